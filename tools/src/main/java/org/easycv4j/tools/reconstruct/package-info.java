/**
 * MAE reconstruction figures ({@code tools/reconstruct}): original, masked input, reconstruction and the
 * reconstruction with the visible patches pasted back, with the masking noise reproducible from a NumPy file.
 */
package org.easycv4j.tools.reconstruct;
