package org.easycv4j.data.shards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** WebDataset's brace notation and the URL kinds. */
class ShardUrlsTest {

    @Test
    void rangesKeepTheFirstBoundsPaddingAndBracesMultiply() {
        assertEquals(List.of("a-000008.tar", "a-000009.tar", "a-000010.tar"), ShardUrls.expand("a-{000008..000010}.tar"));
        assertEquals(List.of("x/1-a", "x/1-b", "x/2-a", "x/2-b"), ShardUrls.expand("x/{1..2}-{a,b}"));
        assertEquals(List.of("plain.tar"), ShardUrls.expand("plain.tar"));
        assertEquals(147, ShardUrls.expand("s3://b/imagenet/train-{000000..000146}.tar").size());
        assertEquals(List.of("p0", "p1", "q0"), ShardUrls.expand(List.of("p{0..1}", "q0")));
    }

    @Test
    void badBracesAreRefusedNamingThePattern() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShardUrls.expand("s-{000..009.tar")).getMessage()
                .contains("s-{000..009.tar"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShardUrls.expand("s-{9..3}.tar")).getMessage()
                .contains("empty range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShardUrls.expand("s-{a..c}.tar")).getMessage()
                .contains("range of integers"));
        assertThrows(IllegalArgumentException.class, () -> ShardUrls.expand("s-}.tar"));
        assertThrows(IllegalArgumentException.class, () -> ShardUrls.expand("s-{}.tar"));
    }

    @Test
    void schemesAndNames() {
        ShardUrls.Location s3 = ShardUrls.parse("s3://bucket/data/train-000001.tar");
        assertEquals(ShardUrls.Scheme.S3, s3.scheme());
        assertEquals("bucket", s3.bucket());
        assertEquals("data/train-000001.tar", s3.key());
        assertEquals("train-000001.tar", s3.name());
        assertEquals("s3://bucket/data/index.json", s3.sibling("index.json").url());
        ShardUrls.Location http = ShardUrls.parse("http://127.0.0.1:8080/d/s-000000.tar");
        assertEquals(ShardUrls.Scheme.HTTP, http.scheme());
        assertEquals("http://127.0.0.1:8080/d/index.json", http.sibling("index.json").url());
        ShardUrls.Location local = ShardUrls.parse("/data/s-000000.tar");
        assertEquals(Paths.get("/data/s-000000.tar"), local.path());
        assertEquals(Paths.get("/data/index.json"), local.sibling("index.json").path());
        assertEquals(ShardUrls.Scheme.FILE, ShardUrls.parse("file:///data/s.tar").scheme());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShardUrls.parse("gs://b/s.tar")).getMessage()
                .contains("unknown scheme"));
        assertThrows(IllegalArgumentException.class, () -> ShardUrls.parse("s3://bucket-only"));
    }
}
