package org.easycv4j.models.vit;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/** An indexed list of blocks (timm's {@code nn.ModuleList}): children named {@code 0, 1, ...}. */
public final class BlockStack extends Layer {
    private final List<VitBlock> blocks = new ArrayList<>();

    public BlockStack(List<VitBlock> blocks) {
        for (int i = 0; i < blocks.size(); i++) {
            this.blocks.add(addChildBlock(Integer.toString(i), blocks.get(i)));
        }
    }

    public int size() {
        return blocks.size();
    }

    public VitBlock get(int i) {
        return blocks.get(i);
    }

    public NDArray apply(Step s, NDArray x) {
        for (VitBlock b : blocks) {
            x = b.apply(s, x);
        }
        return x;
    }

    /** {@link #apply} in inference. */
    public String script(ScriptWriter w, String x) {
        for (VitBlock b : blocks) {
            x = b.script(w, x);
        }
        return x;
    }
}
