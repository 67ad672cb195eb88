package org.easycv4j.data.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;

/**
 * {@code type = ClsSourceImageNet1k}: EasyCV's ImageNet layout, {@code ROOT/meta/{split}.txt} with lines
 * {@code path label} relative to {@code ROOT/{split}/}. Keys: {@code root} (required), {@code split}
 * ("train" or "val", default "train"), {@code list_file} (overrides the meta list), {@code image_root}
 * (overrides {@code ROOT/split}), {@code class_list} (class names, one per line; default
 * {@code ROOT/meta/classes.txt} when that file exists), {@code to_rgb} (default true).
 */
public final class ImageNetSource implements ComponentFactory<ImageNetSource.Settings, DataSource> {

    public record Settings(Path root, String split, Optional<Path> listFile, Optional<Path> imageRoot,
            Optional<Path> classList, boolean toRgb) {
        public static Settings fromConfig(ConfigNode node) {
            node.check(node.has("root"), "root", "missing required key, expected the ImageNet folder");
            Path root = node.path("root").orElse(Path.of(""));
            String split = node.choice("split", "train", List.of("train", "val"));
            return new Settings(root, split, node.path("list_file"), node.path("image_root"), node.path("class_list"),
                    node.bool("to_rgb", true));
        }
    }

    @Override
    public String description() {
        return "ImageNet-1k: ROOT/meta/{train,val}.txt lists of \"path label\" (EasyCV ClsSourceImageNet1k)";
    }

    @Override
    public Settings settings(ConfigNode node) {
        return Settings.fromConfig(node);
    }

    @Override
    public DataSource create(Settings s, BuildContext context) throws IOException {
        ListFiles.requireDir(s.root(), "root");
        Path list = s.listFile().orElse(s.root().resolve("meta").resolve(s.split() + ".txt"));
        Path images = s.imageRoot().orElse(s.root().resolve(s.split()));
        ListFiles.requireDir(images, s.imageRoot().isPresent() ? "image_root" : "root (images of split " + s.split() + ")");
        Optional<Path> classList = s.classList().or(() -> {
            Path p = s.root().resolve("meta").resolve("classes.txt");
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        });
        FileListSource.Builder b = new FileListSource.Builder(true, s.toRgb());
        Map<String, Integer> classIndex = null;
        int numClasses = 0;
        if (classList.isPresent()) {
            List<String> names = ListFiles.classNames(classList.get(), "class_list");
            b.classNames(names);
            classIndex = ClsImageListSource.index(names);
            numClasses = names.size();
        }
        ListFiles.readLabelled(list, s.listFile().isPresent() ? "list_file" : "root (meta list)", b.addRoot(images), b,
                " ", classIndex, numClasses);
        return b.build();
    }
}
