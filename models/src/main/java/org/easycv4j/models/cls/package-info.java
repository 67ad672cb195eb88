/** The ViT image classifier used for fine-tuning, and loading a pretrained MAE encoder into it. */
package org.easycv4j.models.cls;
