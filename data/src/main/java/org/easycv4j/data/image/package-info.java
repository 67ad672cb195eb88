/**
 * Image buffers ({@link org.easycv4j.data.image.ByteImage}, {@link org.easycv4j.data.image.FloatImage}),
 * decoding behind {@link org.easycv4j.data.image.ImageBackend} (OpenCV by default, JDK ImageIO as fallback)
 * and resampling.
 */
package org.easycv4j.data.image;
