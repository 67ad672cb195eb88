/**
 * Weights from other code bases: the name mapping from Hugging Face's ViT / ViT-MAE names and EasyCV's
 * checkpoint prefixes to ours (timm's and the MAE repository's, which need none), and reading any accepted
 * weights file under our names.
 */
package org.easycv4j.models.interop;
