package org.easycv4j.data.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.data.image.ImageBackends;
import org.easycv4j.data.pipeline.MakesTensor;
import org.easycv4j.data.pipeline.Mixup;
import org.easycv4j.data.pipeline.Transform;
import org.easycv4j.data.source.DataSource;

/**
 * The settings shared by RawDataset and ClsDataset.
 *
 * @param name the dataset's config path, for messages
 * @param dataSource {@code data_source { type = ..., ... }}
 * @param pipeline {@code pipeline = [ {type = ...}, ... ]}
 * @param mixup {@code mixup { mixup_alpha = 0.8, cutmix_alpha = 1.0, prob = 1.0, switch_prob = 0.5,
 *     label_smoothing = 0.1 }} (ClsDataset only): batch-level Mixup / CutMix producing soft targets
 * @param decoder {@code decoder}: "auto" (OpenCV when its natives load, else ImageIO), "opencv", "imageio"
 * @param maxBadSamples {@code max_bad_samples}: distinct unreadable samples tolerated before the run fails
 *     (default 100; 0 fails on the first)
 * @param shareBatchMemory {@code share_batch_memory} (default true): a batch's image array is a view of the
 *     loader's reusable buffer, saving one copy of the batch per step; the buffer is reused only after the
 *     array is closed. Set false if code keeps views of the inputs beyond the batch.
 * @param engineNormalize {@code engine_normalize}: "auto" (default: on for GPU training), "true" or "false".
 *     When on, the pipeline ends with ToTensor (+ Normalize) and no Mixup is set, batches travel as uint8 and
 *     the engine converts and normalizes them on the training device (timm's prefetcher): a quarter of the
 *     bytes to copy to the device. Off, the loader's worker threads write normalized floats (best on CPU,
 *     where the workers run in parallel with the step and there is no copy).
 */
public record DatasetSettings(String name, Spec<DataSource> dataSource, List<Spec<Transform>> pipeline,
        Optional<Mixup.Settings> mixup, ImageBackends.Decoder decoder, int maxBadSamples, boolean shareBatchMemory,
        EngineNormalize engineNormalize) {

    public static DatasetSettings fromConfig(ConfigNode node, Components components, boolean allowMixup) {
        Spec<DataSource> source = components.parseRequired(node, "data_source", DataKinds.DATA_SOURCE).orElse(null);
        List<ConfigNode> steps = node.objects("pipeline");
        List<Spec<Transform>> pipeline = new ArrayList<>();
        for (ConfigNode step : steps) {
            components.parse(step, DataKinds.TRANSFORM).ifPresent(pipeline::add);
        }
        boolean hasToTensor = pipeline.stream().anyMatch(spec -> spec.settings() instanceof MakesTensor);
        node.check(hasToTensor || !node.has("pipeline") || steps.isEmpty(), "pipeline",
                "expected a ToTensor step: batches are float tensors");
        node.check(node.has("pipeline"), "pipeline", "missing required key, expected a list of transforms");
        Optional<Mixup.Settings> mixup = Optional.empty();
        if (allowMixup) {
            mixup = node.optObject("mixup").map(m -> m.parse(Mixup.Settings::fromConfig));
        }
        ImageBackends.Decoder decoder = node.choice("decoder", ImageBackends.Decoder.AUTO);
        int maxBad = node.integerAtLeast("max_bad_samples", 100, 0);
        boolean share = node.bool("share_batch_memory", true);
        EngineNormalize engineNormalize = EngineNormalize.fromConfig(node, "engine_normalize");
        return new DatasetSettings(node.path(), source, pipeline, mixup, decoder, maxBad, share, engineNormalize);
    }
}
