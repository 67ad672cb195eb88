package com.example.easycv4j;

import org.easycv4j.core.config.ConfigNode;
import org.easycv4j.core.model.TaskModel;
import org.easycv4j.core.registry.BuildContext;
import org.easycv4j.core.registry.ComponentFactory;

/** Builds {@link TinyConvNet} for {@code model.type = TinyConvNet}. */
public final class TinyConvNetFactory implements ComponentFactory<TinyConvNetSettings, TaskModel> {
    @Override
    public String description() {
        return "example: a small convolutional classifier from a user's jar";
    }

    @Override
    public TinyConvNetSettings settings(ConfigNode node) {
        return TinyConvNetSettings.fromConfig(node);
    }

    @Override
    public TaskModel create(TinyConvNetSettings settings, BuildContext context) {
        return new TinyConvNet(settings);
    }
}
