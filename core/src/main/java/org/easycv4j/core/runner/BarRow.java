package org.easycv4j.core.runner;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * The terminal row the progress bar owns, shared with everything else that writes to standard output (log
 * lines): before other output the bar's row is cleared, and after a line of it the bar is drawn again below, so a
 * log line never lands on the bar's row and the bar always stays the last line. Installed as
 * {@code System.out} while the bar is shown (logging's console appender writes to whatever {@code System.out}
 * is at the time of each write).
 */
final class BarRow {
    /** Carriage return, then erase to the end of the line (ANSI EL). */
    private static final byte[] CLEAR = "\r\u001b[K".getBytes(StandardCharsets.US_ASCII);
    private final PrintStream terminal;
    private final int width;
    private final PrintStream others;
    private final ProgressBarConsumer consumer;
    private byte[] bar;
    private boolean barShown;
    private boolean midLine;

    BarRow(PrintStream terminal, int width) {
        this.terminal = terminal;
        this.width = width;
        this.others = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                writeOther(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] buf, int off, int len) {
                writeOther(buf, off, len);
            }

            @Override
            public void flush() {
                terminal.flush();
            }
        }, true, StandardCharsets.UTF_8);
        this.consumer = new ProgressBarConsumer() {
            @Override
            public int getMaxRenderedLength() {
                return width;
            }

            @Override
            public void accept(String rendered) {
                draw(rendered);
            }

            @Override
            public void close() {
                finish();
            }
        };
    }

    /** What everything but the bar writes to: install as {@code System.out}. */
    PrintStream others() {
        return others;
    }

    /** The bar's consumer. */
    ProgressBarConsumer consumer() {
        return consumer;
    }

    private synchronized void draw(String rendered) {
        String text = rendered.length() > width ? rendered.substring(0, width) : rendered;
        bar = text.getBytes(StandardCharsets.UTF_8);
        if (!midLine) {
            drawBar();
        }
    }

    private void drawBar() {
        terminal.write(CLEAR, 0, CLEAR.length);
        terminal.write(bar, 0, bar.length);
        terminal.flush();
        barShown = true;
    }

    /** The bar's last state stays on screen, and the terminal gets its line end back. */
    private synchronized void finish() {
        if (bar != null && !midLine) {
            drawBar();
        }
        if (barShown) {
            terminal.write('\n');
        }
        terminal.flush();
        barShown = false;
        bar = null;
    }

    private synchronized void writeOther(byte[] buf, int off, int len) {
        if (len <= 0) {
            return;
        }
        if (barShown) {
            terminal.write(CLEAR, 0, CLEAR.length);
            barShown = false;
        }
        terminal.write(buf, off, len);
        midLine = buf[off + len - 1] != '\n';
        if (!midLine && bar != null) {
            drawBar();
        } else {
            terminal.flush();
        }
    }
}
