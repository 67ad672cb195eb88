package org.easycv4j.data.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.image.ImageBackends;
import org.easycv4j.data.pipeline.Mixup;
import org.easycv4j.data.pipeline.Pipeline;
import org.easycv4j.data.pipeline.Transform;
import org.easycv4j.data.source.BadSample;
import org.easycv4j.data.source.BadSamples;
import org.easycv4j.data.source.DataSource;

/** Builds an {@link ImageDataset} from checked settings: opens the source (missing files fail here) and the pipeline. */
public final class DatasetBuilder {
    private DatasetBuilder() {}

    public static ImageDataset build(DatasetSettings s, BuildContext context, boolean labelled) {
        DataSource source = s.dataSource().create(context);
        if (labelled && !source.labelled()) {
            throw new IllegalArgumentException("data_source " + s.dataSource().type() + " has no labels; ClsDataset needs a"
                    + " labelled source (use RawDataset for self-supervised data)");
        }
        BadSamples bad = new BadSamples(s.name(), s.maxBadSamples());
        for (BadSample b : source.listProblems()) {
            bad.report(b);
        }
        if (source.size() == 0) {
            throw new IllegalArgumentException("data_source " + s.dataSource().type() + " has no samples");
        }
        List<Transform> transforms = new ArrayList<>();
        for (Spec<Transform> t : s.pipeline()) {
            transforms.add(t.create(context));
        }
        Optional<Mixup> mixup = s.mixup().map(m -> {
            int classes = m.numClasses().orElse(source.numClasses());
            if (classes < 2) {
                throw new IllegalArgumentException("mixup: cannot tell the number of classes; set mixup.num_classes");
            }
            if (source.numClasses() > classes) {
                throw new IllegalArgumentException("mixup.num_classes = " + classes + " but the data source has "
                        + source.numClasses() + " classes");
            }
            return new Mixup(m, classes);
        });
        ImageBackend backend = ImageBackends.create(s.decoder());
        return new ImageDataset(s.name(), source, new Pipeline(transforms), mixup, backend, bad, labelled,
                s.shareBatchMemory(), s.engineNormalize());
    }
}
