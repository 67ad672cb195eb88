package org.easycv4j.core.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /** What a terminal shows for {@code out}: \r returns to the row's start, ESC[K erases to its end. */
    static List<String> screen(String out) {
        List<String> rows = new ArrayList<>();
        StringBuilder row = new StringBuilder();
        int col = 0;
        for (int i = 0; i < out.length(); i++) {
            char ch = out.charAt(i);
            if (ch == '\r') {
                col = 0;
            } else if (ch == '\n') {
                rows.add(row.toString());
                row.setLength(0);
                col = 0;
            } else if (ch == '\u001b' && out.startsWith("[K", i + 1)) {
                row.setLength(col);
                i += 2;
            } else {
                if (col < row.length()) {
                    row.setCharAt(col, ch);
                } else {
                    row.append(ch);
                }
                col++;
            }
        }
        rows.add(row.toString());
        return rows;
    }

    @Test
    void logLinesNeverShareTheBarsRowAndTheBarStaysTheLastLine() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream terminal = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        BarRow row = new BarRow(terminal, 40);
        row.consumer().accept("train 10% [==      ] 3/30");
        row.others().print("12:00:01 INFO  epoch 1 done\n");
        row.consumer().accept("train 20% [===     ] 6/30");
        // a line written in two parts (an appender's pattern, then its line end) is not split by a redraw
        row.others().print("12:00:02 INFO  part ");
        row.consumer().accept("train 30% [====    ] 9/30");
        row.others().print("two\n");
        row.consumer().close();
        List<String> shown = screen(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of("12:00:01 INFO  epoch 1 done", "12:00:02 INFO  part two", "train 30% [====    ] 9/30",
                ""), shown);
    }
}
