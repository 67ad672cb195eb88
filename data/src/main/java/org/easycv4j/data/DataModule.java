package org.easycv4j.data;

import com.google.inject.AbstractModule;
import org.easycv4j.core.registry.CoreKinds;
import org.easycv4j.core.registry.PluginModule;
import org.easycv4j.core.registry.Registrations;
import org.easycv4j.data.dataset.ClsDatasetFactory;
import org.easycv4j.data.dataset.RawDatasetFactory;
import org.easycv4j.data.pipeline.CenterCrop;
import org.easycv4j.data.pipeline.ColorJitter;
import org.easycv4j.data.pipeline.Collect;
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
                .add("SSLSourceImageList", SslImageListSource.class)
                .add("ClsSourceImageList", ClsImageListSource.class)
                .add("ClsSourceImageNet1k", ImageNetSource.class)
                .add("ClsSourceImageFolder", ImageFolderSource.class)
                .add("ClsSourceIdx", IdxSource.class)
                .add("ClsSourceCifar10", CifarSource.Cifar10.class)
                .add("ClsSourceCifar100", CifarSource.Cifar100.class)
                .add("WebDatasetSource", WebDatasetSource.class);
        Registrations.declare(binder(), DataKinds.TRANSFORM)
                .add("RandomResizedCrop", RandomResizedCrop.Factory.class)
                .add("RandomHorizontalFlip", RandomHorizontalFlip.Factory.class)
                .add("Resize", Resize.Factory.class)
                .add("CenterCrop", CenterCrop.Factory.class)
                .add("ToTensor", ToTensor.Factory.class)
                .add("Normalize", Normalize.Factory.class)
                .add("Collect", Collect.Factory.class)
                .add("RandAugment", RandAugment.Factory.class)
                .add("RandomErasing", RandomErasing.Factory.class)
                .add("MAEFtAugment", MaeFtAugment.Factory.class)
                .add("MMAutoAugment", MmAutoAugment.Factory.class)
                .add("ColorJitter", ColorJitter.Factory.class)
                .add("MMRandomErasing", MmRandomErasing.Factory.class)
                .add("MMRandAugment", MmRandAugment.Factory.class);
        Registrations.of(binder(), CoreKinds.DATASET)
                .add("RawDataset", RawDatasetFactory.class)
                .add("ClsDataset", ClsDatasetFactory.class);
    }
}
