/** What one sample is ({@link org.easycv4j.data.sample.Sample}) and the seeds its randomness derives from. */
package org.easycv4j.data.sample;
