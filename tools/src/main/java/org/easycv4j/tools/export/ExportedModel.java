package org.easycv4j.tools.export;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.easycv4j.core.checkpoint.LoadPolicy;
import org.easycv4j.core.checkpoint.WeightLoader;
import org.easycv4j.core.config.ComponentBuildException;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.ModelExport;
import org.easycv4j.core.model.NameMapping;
import org.easycv4j.core.model.NamedParameter;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.Components;
import org.easycv4j.core.registry.Spec;
import org.easycv4j.core.runner.ExperimentLoader;
import org.easycv4j.data.dataset.DataKinds;
import org.easycv4j.data.image.ByteImage;
import org.easycv4j.data.image.FloatImage;
import org.easycv4j.data.image.Image;
import org.easycv4j.data.image.ImageBackend;
import org.easycv4j.data.image.ImageBackends;
import org.easycv4j.data.image.ImageDecodeException;
import org.easycv4j.data.image.ImageFiles;
import org.easycv4j.data.pipeline.Pipeline;
import org.easycv4j.data.pipeline.Transform;
import org.easycv4j.data.sample.Sample;

/**
 * A classifier export loaded back: the model rebuilt through the registries from the export's config, the
 * preprocessing pipeline and the class names. {@link #criteria()} gives a DJL {@code Criteria} whose
 * {@code Predictor<Path, Classifications>} reads image files.
 */
public final class ExportedModel {
    private final Path dir;
    private final TaskModel model;
    private final Pipeline pipeline;
    private final List<String> classNames;
    private final Shape inputShape;

    private ExportedModel(Path dir, TaskModel model, Pipeline pipeline, List<String> classNames, Shape inputShape) {
        this.dir = dir;
        this.model = model;
        this.pipeline = pipeline;
        this.classNames = classNames;
        this.inputShape = inputShape;
    }

    /** Reads an export folder; a backbone export or a damaged folder is a clear error. */
    public static ExportedModel load(Path dir) throws IOException {
        Path configFile = dir.resolve(Exporter.CONFIG);
        if (!Files.isRegularFile(configFile) || !Files.isRegularFile(dir.resolve(Exporter.WEIGHTS))) {
            throw new IOException(dir + " is not an export folder (expected " + Exporter.CONFIG + " and "
                    + Exporter.WEIGHTS + "; make one with tools/export)");
        }
        ExperimentLoader.Part part = new ExperimentLoader().storedPart(Files.readString(configFile),
                configFile.toString());
        ConfigNode root = ConfigNode.root(part.config());
        String format = root.string("format");
        root.check(Exporter.FORMAT.equals(format), "format", "expected " + Exporter.FORMAT + ", got " + format);
        String task = root.string("task");
        if (!ModelExport.Task.CLASSIFICATION.id().equals(task)) {
            throw new IllegalArgumentException(dir + " holds a " + task + " export (weights to use as "
                    + "model.pretrained), not a classifier to predict with");
        }
        Components components = part.components();
        Spec<TaskModel> modelSpec = components.parseRequired(root, "model", TaskModel.KIND).orElse(null);
        List<Spec<Transform>> steps = components.parseList(root, "preprocess", DataKinds.TRANSFORM);
        List<String> classes = root.strings("class_names", List.of());
        List<Integer> shape = root.integers("input_shape", List.of());
        root.finish();
        root.problems().throwIfAny();
        BuildContext ctx = new BuildContext(dir, 0, 1, false);
        List<Transform> transforms = new ArrayList<>();
        for (Spec<Transform> s : steps) {
            transforms.add(s.create(ctx));
        }
        long[] dims = shape.stream().mapToLong(Integer::longValue).toArray();
        return new ExportedModel(dir, modelSpec.create(ctx), new Pipeline(transforms), classes, new Shape(dims));
    }

    public List<String> classNames() {
        return classNames;
    }

    /** A DJL criteria: the block is initialized and its weights read from the export's safetensors. */
    public Criteria<Path, Classifications> criteria() {
        return Criteria.builder()
                .setTypes(Path.class, Classifications.class)
                .optModelPath(dir)
                .optModelName("model")
                .optEngine("PyTorch")
                .optBlock(model.block())
                // The weights are named tensors in model.safetensors, loaded by the translator, not DJL's
                // positional parameter file.
                .optOption("hasParameter", "false")
                .optTranslator(new ImageFileTranslator())
                .build();
    }

    /** Reads image files, applies the export's preprocessing and turns logits into class probabilities. */
    private final class ImageFileTranslator implements Translator<Path, Classifications> {

        @Override
        public void prepare(TranslatorContext ctx) throws IOException {
            Block block = ctx.getModel().getBlock();
            if (block.isInitialized()) {
                return;
            }
            NDManager manager = ctx.getModel().getNDManager();
            block.initialize(manager, DataType.FLOAT32, inputShape);
            List<NamedParameter> params = model.export().parameters();
            WeightLoader.load(dir.resolve(Exporter.WEIGHTS), params, NameMapping.IDENTITY, LoadPolicy.STRICT, manager);
        }

        @Override
        public NDList processInput(TranslatorContext ctx, Path input) throws IOException {
            FloatImage img = preprocess(input);
            NDArray x = ctx.getNDManager().create(img.data(), new Shape(img.channels(), img.height(), img.width()));
            return new NDList(x);
        }

        @Override
        public Classifications processOutput(TranslatorContext ctx, NDList list) {
            NDArray probs = list.get(0).softmax(-1);
            List<String> names = new ArrayList<>();
            long n = probs.getShape().get(probs.getShape().dimension() - 1);
            for (int i = 0; i < n; i++) {
                names.add(i < classNames.size() ? classNames.get(i) : "class_" + i);
            }
            return new Classifications(names, probs);
        }

        @Override
        public Batchifier getBatchifier() {
            return Batchifier.STACK;
        }
    }

    /** Decodes one image file to the model's channel count and runs the export's preprocessing. */
    FloatImage preprocess(Path file) throws IOException {
        int channels = (int) inputShape.get(1);
        ByteImage decoded;
        try {
            decoded = backendForPreprocess().decode(ImageFiles.read(file), channels == 3);
        } catch (ImageDecodeException e) {
            throw new IOException(file + ": cannot decode the image: " + e.getMessage(), e);
        }
        if (channels == 1 && decoded.channels() == 3) {
            decoded = ImageGrey.luma(decoded);
        }
        // Evaluation pipelines are deterministic; the generator only satisfies the interface.
        Image out = pipeline.apply(new Sample(0, decoded, Sample.NO_LABEL, file.toString()), new SplittableRandom(0),
                backendForPreprocess()).image();
        if (!(out instanceof FloatImage f)) {
            throw new ComponentBuildException("the export's preprocess pipeline does not end in a tensor "
                    + "(add ToTensor)");
        }
        if (f.channels() != channels || f.height() != inputShape.get(2) || f.width() != inputShape.get(3)) {
            throw new IllegalArgumentException(file + ": preprocessing gives " + f.shapeText() + ", the model expects "
                    + inputShape.slice(1));
        }
        return f;
    }

    private ImageBackend backend;

    private ImageBackend backendForPreprocess() {
        if (backend == null) {
            backend = ImageBackends.create(ImageBackends.Decoder.AUTO);
        }
        return backend;
    }
}
