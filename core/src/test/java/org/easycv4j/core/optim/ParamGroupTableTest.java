package org.easycv4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.LayerIds;
import org.easycv4j.core.model.NamedParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParamGroupTableTest {
    @TempDir
    Path dir;

    @Test
    void tableAndJsonListEveryParameterWithItsGroup() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter pos = Parameter.builder().setName("pos_embed").optShape(new Shape(1, 5, 4))
                    .optInitializer((mm, s, dt) -> mm.zeros(s)).optRequiresGrad(false).build();
            pos.initialize(m, DataType.FLOAT32);
            List<NamedParameter> ps = List.of(new NamedParameter("pos_embed", pos),
                    Grads.param(m, "patch_embed.proj.weight", new float[16], new Shape(4, 1, 2, 2)),
                    Grads.param(m, "blocks.0.norm1.weight", new float[4], new Shape(4)),
                    Grads.param(m, "blocks.1.attn.qkv.weight", new float[48], new Shape(12, 4)),
                    Grads.param(m, "head.weight", new float[8], new Shape(2, 4)));
            ConfigNode n = ConfigNode.root(ConfigFactory.parseString("lr = 0.004, weight_decay = 0.05,"
                    + " layer_decay = 0.5, no_decay_1d = true"));
            AdamW opt = new AdamW(AdamWSettings.fromConfig(n));
            // the model's layers, as a two-block ViT names them: embeddings 0, block i at i + 1, the head 3
            LayerIds layers = new LayerIds() {
                @Override
                public int numLayers() {
                    return 3;
                }

                @Override
                public int of(String name) {
                    return name.startsWith("blocks.0.") ? 1 : name.startsWith("blocks.1.") ? 2
                            : name.startsWith("head") ? 3 : 0;
                }
            };
            ParamGroupTable t = ParamGroupTable.of(ps, layers, opt);
            assertEquals(3, t.numLayers());
            assertEquals(new ParamGroupTable.Row("blocks.0.norm1.weight", new Shape(4), true, 1, 0.25, 0.0),
                    t.rows().get(2));
            assertEquals(new ParamGroupTable.Row("head.weight", new Shape(2, 4), true, 3, 1.0, 0.05), t.rows().get(4));
            String text = t.format();
            assertTrue(text.contains("pos_embed") && text.contains("frozen"), text);
            Path file = dir.resolve("work/param_groups.json");
            t.writeJson(file);
            JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            assertEquals(5, json.getAsJsonArray("parameters").size());
            assertEquals(4, json.getAsJsonArray("groups").size()); // pos_embed (fixed) is in no group
            JsonObject first = json.getAsJsonArray("groups").get(0).getAsJsonObject();
            assertEquals(0.125, first.get("lr_scale").getAsDouble());
            assertEquals("patch_embed.proj.weight", first.getAsJsonArray("params").get(0).getAsString());
        }
    }
}
