package org.easycv4j.data;

import com.google.inject.AbstractModule;
import org.easycv4j.core.data.Dataset;
import org.easycv4j.core.registry.ComponentType;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;
import org.easycv4j.data.dataset.DataKinds;
import org.easycv4j.data.dataset.DatasetBuilder;
import org.easycv4j.data.dataset.DatasetSettings;
import org.easycv4j.data.pipeline.CenterCrop;
import org.easycv4j.data.pipeline.Collect;
import org.easycv4j.data.pipeline.ColorJitter;
import org.easycv4j.data.pipeline.MaeFtAugment;
import org.easycv4j.data.pipeline.MmAutoAugment;
import org.easycv4j.data.pipeline.MmRandAugment;
import org.easycv4j.data.pipeline.MmRandomErasing;
import org.easycv4j.data.pipeline.Normalize;
import org.easycv4j.data.pipeline.RandAugment;
import org.easycv4j.data.pipeline.RandomErasing;
import org.easycv4j.data.pipeline.RandomHorizontalFlip;
import org.easycv4j.data.pipeline.RandomResizedCrop;
import org.easycv4j.data.pipeline.Resize;
import org.easycv4j.data.pipeline.ToTensor;
import org.easycv4j.data.shards.WebDatasetSource;
import org.easycv4j.data.source.CifarSource;
import org.easycv4j.data.source.ClsImageListSource;
import org.easycv4j.data.source.IdxSource;
import org.easycv4j.data.source.ImageFolderSource;
import org.easycv4j.data.source.ImageNetSource;
import org.easycv4j.data.source.SslImageListSource;

/** Registers the data sources, transforms and datasets of this module. */
public final class DataModule extends AbstractModule implements PluginModule {
    @Override
    protected void configure() {
        Registrations.declare(binder(), DataKinds.DATA_SOURCE)
                .add(ComponentType.of("SSLSourceImageList",
                        "unlabelled images: root folder(s) + list file(s) of relative paths (EasyCV "
                                + "SSLSourceImageList)",
                        SslImageListSource.Settings::fromConfig, (s, ctx) -> SslImageListSource.open(s)))
                .add(ComponentType.of("ClsSourceImageList",
                        "labelled images: list file(s) of \"relative/path label\" lines (EasyCV ClsSourceImageList)",
                        ClsImageListSource.Settings::fromConfig, (s, ctx) -> ClsImageListSource.open(s)))
                .add(ComponentType.of("ClsSourceImageNet1k",
                        "ImageNet-1k as EasyCV lays it out: ROOT/meta/{train,val}.txt image paths, classes by "
                                + "ROOT/meta/label_name.txt",
                        ImageNetSource.Settings::fromConfig, (s, ctx) -> ImageNetSource.open(s)))
                .add(ComponentType.of("ClsSourceImageFolder",
                        "labelled images in one folder per class, index = sorted folder name (torchvision ImageFolder)",
                        ImageFolderSource.Settings::fromConfig, (s, ctx) -> ImageFolderSource.open(s)))
                .add(ComponentType.of("ClsSourceIdx", "MNIST / Fashion-MNIST IDX files (gzipped or not), 28x28 grey",
                        IdxSource.Settings::fromConfig, (s, ctx) -> IdxSource.open(s)))
                .add(ComponentType.of("ClsSourceCifar10",
                        "CIFAR-10 (python or binary version) under root, split train/test",
                        node -> CifarSource.Settings.fromConfig(node, CifarSource.Variant.CIFAR10),
                        (s, ctx) -> CifarSource.read(CifarSource.Variant.CIFAR10, s.root(), s.split())))
                .add(ComponentType.of("ClsSourceCifar100",
                        "CIFAR-100 fine labels (python or binary version) under root, split train/test",
                        node -> CifarSource.Settings.fromConfig(node, CifarSource.Variant.CIFAR100),
                        (s, ctx) -> CifarSource.read(CifarSource.Variant.CIFAR100, s.root(), s.split())))
                .add(ComponentType.of("WebDatasetSource",
                        "WebDataset tar shards on disk, over http(s):// or in S3 (s3://), streamed with a shuffle "
                                + "buffer",
                        WebDatasetSource.Settings::fromConfig, (s, ctx) -> WebDatasetSource.open(s)));
        Registrations.declare(binder(), DataKinds.TRANSFORM)
                .add(ComponentType.of("RandomResizedCrop",
                        "random area/aspect crop resized to size (torchvision RandomResizedCrop)",
                        RandomResizedCrop.Settings::fromConfig, (s, ctx) -> new RandomResizedCrop(s)))
                .add(ComponentType.of("RandomHorizontalFlip", "horizontal flip with probability p",
                        RandomHorizontalFlip.Settings::fromConfig, (s, ctx) -> new RandomHorizontalFlip(s.p())))
                .add(ComponentType.of("Resize", "resize the short side to size (or to [h, w] exactly)",
                        Resize.Settings::fromConfig, (s, ctx) -> new Resize(s)))
                .add(ComponentType.of("CenterCrop", "crop the centre to size",
                        CenterCrop.Settings::fromConfig, (s, ctx) -> new CenterCrop(s)))
                .add(ComponentType.of("ToTensor", "8-bit image to float CHW tensor in [0, 1]",
                        ToTensor.Settings::fromConfig, (s, ctx) -> new ToTensor()))
                .add(ComponentType.of("Normalize", "(x - mean) / std per channel",
                        Normalize.Settings::fromConfig, (s, ctx) -> new Normalize(s)))
                .add(ComponentType.of("Collect", "EasyCV's Collect(keys): checks the keys; samples are typed records",
                        Collect.Settings::fromConfig, (s, ctx) -> new Collect()))
                .add(ComponentType.of("RandAugment",
                        "timm RandAugment from a config string such as rand-m9-mstd0.5-inc1",
                        RandAugment.Settings::fromConfig, (s, ctx) -> new RandAugment(s)))
                .add(ComponentType.of("RandomErasing",
                        "erase random rectangles of a normalized tensor (timm RandomErasing)",
                        RandomErasing.Settings::fromConfig, (s, ctx) -> new RandomErasing(s)))
                .add(ComponentType.of("MAEFtAugment",
                        "MAE fine-tuning transform of timm/EasyCV: crop, flip, RandAugment, ToTensor, Normalize, "
                                + "RandomErasing",
                        MaeFtAugment.Settings::fromConfig, (s, ctx) -> new MaeFtAugment(s)))
                .add(ComponentType.of("MMAutoAugment",
                        "EasyCV's MMAutoAugment: AutoAugment's ImageNet policy, one random sub-policy per image",
                        MmAutoAugment.Settings::fromConfig, (s, ctx) -> new MmAutoAugment(s)))
                .add(ComponentType.of("ColorJitter",
                        "torchvision's ColorJitter: random brightness, contrast and saturation factors in random order",
                        ColorJitter.Settings::fromConfig, (s, ctx) -> new ColorJitter(s)))
                .add(ComponentType.of("MMRandomErasing",
                        "EasyCV's MMRandomErasing: erase one random rectangle with a constant or random fill",
                        MmRandomErasing.Settings::fromConfig, (s, ctx) -> new MmRandomErasing(s)))
                .add(ComponentType.of("MMRandAugment",
                        "EasyCV's MMRandAugment: mmcls' RandAugment over timm's increasing policies",
                        MmRandAugment.Settings::fromConfig, (s, ctx) -> new MmRandAugment(s)));
        // A dataset's settings hold its data source and pipeline, parsed with the registries handed to the reader.
        Registrations.of(binder(), Dataset.KIND)
                .add(ComponentType.of("RawDataset",
                        "self-supervised: data_source + pipeline, batches without labels (EasyCV RawDataset)",
                        (node, components) -> DatasetSettings.fromConfig(node, components, false),
                        (s, ctx) -> DatasetBuilder.build(s, ctx, false)))
                .add(ComponentType.of("ClsDataset",
                        "classification: labelled data_source + pipeline, optional batch Mixup/CutMix (EasyCV "
                                + "ClsDataset)",
                        (node, components) -> DatasetSettings.fromConfig(node, components, true),
                        (s, ctx) -> DatasetBuilder.build(s, ctx, true)));
    }
}
