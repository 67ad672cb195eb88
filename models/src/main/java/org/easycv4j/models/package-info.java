/** The models plugin: registers MAE and ViTClassifier under the "model" kind. */
package org.easycv4j.models;
