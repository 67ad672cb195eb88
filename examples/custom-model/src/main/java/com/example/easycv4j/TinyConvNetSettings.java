package com.example.easycv4j;

import org.easycv4j.core.config.ConfigNode;

/**
 * {@code model { type = TinyConvNet, in_channels = 1, image_size = 8, channels = 16, num_classes = 4 }}.
 */
public record TinyConvNetSettings(int inChannels, int imageSize, int channels, int numClasses) {

    /** Reads the settings; mistakes are recorded on the node with their file:line, never thrown. */
    public static TinyConvNetSettings fromConfig(ConfigNode n) {
        return new TinyConvNetSettings(n.integerAtLeast("in_channels", 3, 1), n.integerAtLeast("image_size", 32, 1),
                n.integerAtLeast("channels", 16, 1), n.integerAtLeast("num_classes", 10, 2));
    }
}
