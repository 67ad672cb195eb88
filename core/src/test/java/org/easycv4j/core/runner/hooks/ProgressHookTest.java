package org.easycv4j.core.runner.hooks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarConsumer;
import org.junit.jupiter.api.Test;

class ProgressHookTest {
    @Test
    void theSpeedUnitAndTheEpochAreSeparated() {
        List<String> drawn = new ArrayList<>();
        ProgressBarConsumer consumer = new ProgressBarConsumer() {
            @Override
            public void accept(String rendered) {
                drawn.add(rendered);
            }

            @Override
            public int getMaxRenderedLength() {
                return 200;
            }

            @Override
            public void close() {}
        };
        try (ProgressBar bar = ProgressHook.builder(10).setConsumer(consumer).build()) {
            bar.stepTo(3);
            bar.setExtraMessage(ProgressHook.extraMessage(0, 2, 0.01));
            bar.refresh();
        }
        String last = drawn.get(drawn.size() - 1);
        assertTrue(last.contains("it/s epoch 1/2 lr 1.00e-02"), last);
        assertFalse(last.contains("it/sepoch"), last);
    }
}
