package org.easycv4j.models.cls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.easycv4j.core.optim.AdamWSettings;
import org.easycv4j.core.optim.Optimizer;
import org.easycv4j.core.optim.ParamGroupTable;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Injectors;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.models.Fixtures;
import org.junit.jupiter.api.Test;


/**
 * The fine-tune recipe's optimizer on the real ViT-B/16 classifier (built, not initialized): layer ids, lr
 * scales and weight decays equal the MAE repo's param_groups_lrd as reimplemented in make_golden.py.
 */
class VitBaseParamGroupsTest {

    @Test
    void layerDecay065GroupsMatchTheMaeRepoRule() throws Exception {
        ViTClassifier model = new ViTClassifier(ViTClassifierSettings.fromConfig(Fixtures.config(
                "arch = base, num_classes = 1000")));
        var node = Fixtures.config("type = AdamW, lr = 1e-3, base_batch_size = 256, weight_decay = 0.05, "
                + "betas = [0.9, 0.999], layer_decay = 0.65, no_decay_1d = true");
        Spec<Optimizer> spec = Injectors.create().getInstance(Components.class).parse(node, Optimizer.KIND)
                .orElseThrow();
        assertEquals(List.of(), node.problems().list());
        Optimizer opt = spec.create(new BuildContext(Path.of("."), 0, 1024, false));
        assertEquals(4e-3, opt.baseLr(), 1e-15);
        ParamGroupTable table = ParamGroupTable.of(model.namedParameters(), model.layerIds(), opt);
        assertEquals(13, table.numLayers());

        JsonObject golden = Fixtures.goldenJson().getAsJsonObject("vit_b_lrd_065");
        assertEquals(golden.keySet(), table.rows().stream().map(ParamGroupTable.Row::name).collect(Collectors.toSet()));
        for (ParamGroupTable.Row r : table.rows()) {
            JsonObject g = golden.getAsJsonObject(r.name());
            assertEquals(g.get("layer_id").getAsInt(), r.layerId(), r.name());
            assertEquals(g.get("lr_scale").getAsDouble(), r.lrScale(), 1e-15, r.name());
            assertEquals(g.get("weight_decay").getAsDouble(), r.weightDecay(), 0, r.name());
        }
        Set<Integer> ids = table.rows().stream().map(ParamGroupTable.Row::layerId).collect(Collectors.toSet());
        assertEquals(14, ids.size()); // 0..12 below the head, 13 for fc_norm and head
        ParamGroupTable.Row patch = table.rows().stream().filter(r -> r.name().equals("patch_embed.proj.weight"))
                .findFirst().orElseThrow();
        assertEquals(Math.pow(0.65, 13), patch.lrScale(), 1e-15);
        long params = table.rows().stream().mapToLong(r -> r.shape().size()).sum();
        assertEquals(86_567_656L, params); // timm's ViT-B/16 with 1000 classes and global pooling
    }
}
