package org.easycv4j.core.dist;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses a job whose ranks were started differently: each rank compares the hashes of its resolved
 * configuration and of its code version with rank 0's, and every rank learns which ranks differ, so all of them
 * stop with the same message instead of training replicas that silently diverge.
 */
public final class RankCheck {
    private RankCheck() {}

    /** Throws {@link IllegalStateException} on every rank when any rank's config or code differs from rank 0's. */
    public static void requireSameRun(Collective c, String resolvedConfig, String codeVersion) {
        if (c.size() == 1) {
            return;
        }
        byte[] config = sha256(resolvedConfig);
        byte[] code = sha256(codeVersion);
        ByteBuffer root = Collective.allocate(config.length + code.length);
        root.put(config).put(code).flip();
        c.broadcast(root, 0);
        byte[] rootConfig = new byte[config.length];
        byte[] rootCode = new byte[code.length];
        root.get(rootConfig).get(rootCode);
        // Per rank: 1 = other config, 2 = other code (3: both); added over the ranks, each rank fills its own slot.
        double[] differs = new double[c.size()];
        differs[c.rank()] = (java.util.Arrays.equals(config, rootConfig) ? 0 : 1)
                + (java.util.Arrays.equals(code, rootCode) ? 0 : 2);
        c.allReduceSumDoubles(differs);
        List<String> problems = new ArrayList<>();
        List<Integer> configRanks = new ArrayList<>();
        List<Integer> codeRanks = new ArrayList<>();
        for (int r = 0; r < differs.length; r++) {
            int d = (int) differs[r];
            if ((d & 1) != 0) {
                configRanks.add(r);
            }
            if ((d & 2) != 0) {
                codeRanks.add(r);
            }
        }
        if (!configRanks.isEmpty()) {
            problems.add("rank(s) " + configRanks + " resolved a different configuration than rank 0 (start every "
                    + "rank with the same config file, --set overrides and -D properties)");
        }
        if (!codeRanks.isEmpty()) {
            problems.add("rank(s) " + codeRanks + " run a different code version than rank 0 (this rank: "
                    + codeVersion + "; install the same build on every machine)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the ranks of this job disagree: " + String.join("; ", problems));
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
