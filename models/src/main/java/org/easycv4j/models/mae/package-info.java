/** The Masked Autoencoder (He et al. 2021): ViT encoder on visible patches, light decoder, pixel loss. */
package org.easycv4j.models.mae;
