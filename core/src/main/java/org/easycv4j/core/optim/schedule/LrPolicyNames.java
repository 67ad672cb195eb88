package org.easycv4j.core.optim.schedule;

/**
 * mmcv's reading of {@code lr_config.policy}: a name written all in lower case is title-cased ({@code step} is
 * {@code Step}, {@code poly} is {@code Poly}), any other is taken as written. EasyCV configs rely on both forms,
 * and a name mmcv would not find ({@code cosineAnnealing}, {@code cosineannealing}) stays unknown here too.
 */
public final class LrPolicyNames {
    private LrPolicyNames() {}

    /** The registered name mmcv looks {@code written} up as. */
    public static String mmcv(String written) {
        return written.equals(written.toLowerCase(java.util.Locale.ROOT)) ? title(written) : written;
    }

    /** Python's str.title(): each run of letters starts upper case, its other letters lower case. */
    static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean inWord = false;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            boolean letter = Character.isLetter(c);
            b.append(!letter ? c : inWord ? Character.toLowerCase(c) : Character.toUpperCase(c));
            inWord = letter;
        }
        return b.toString();
    }
}
