package uring4j.testkernels;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Writes one flushed line per test event to the file named by {@code -Dtk.progress}, so
 * that what ran, and what was running when a guest JVM had to be killed, survives the
 * kill (JUnit's XML reports are written only at the end). Registered through
 * META-INF/services; a no-op without the property. Built by test-kernels/run.
 *
 * <p>Lines are tab-separated: {@code S kind class name millis} (started), {@code E kind
 * class name millis status message} (finished), {@code K kind class name millis reason}
 * (skipped); kind is {@code T} (test) or {@code C} (class container).
 */
public final class TkProgressListener implements TestExecutionListener {
    private final FileOutputStream out;

    public TkProgressListener() {
        String path = System.getProperty("tk.progress");
        FileOutputStream o = null;
        if (path != null && !path.isEmpty()) {
            try {
                o = new FileOutputStream(path, true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out = o;
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        write(id, "S", null);
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        write(id, "K", reason == null ? "" : reason);
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        String msg = result.getThrowable().map(TkProgressListener::describe).orElse("");
        write(id, "E", result.getStatus() + "\t" + msg);
    }

    private static String describe(Throwable t) {
        String s = t.getMessage() == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + t.getMessage();
        if (t instanceof org.opentest4j.TestAbortedException) s = t.getMessage() == null ? "aborted" : t.getMessage();
        else if (t instanceof AssertionError && t.getMessage() != null) s = t.getMessage();
        StackTraceElement[] st = t.getStackTrace();
        for (StackTraceElement e : st) {   // where it failed in the project's code
            if (e.getClassName().startsWith("dev.uring4j")) {
                s += " (at " + e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1) + "." + e.getMethodName()
                        + ":" + e.getLineNumber() + ")";
                break;
            }
        }
        return s;
    }

    private void write(TestIdentifier id, String event, String tail) {
        if (out == null) return;
        Optional<TestSource> src = id.getSource();
        String kind, cls, name;
        if (id.isTest() && src.isPresent() && src.get() instanceof MethodSource m) {
            kind = "T";
            cls = m.getClassName();
            name = m.getMethodName() + "(" + m.getMethodParameterTypes() + ")";
            String uid = id.getUniqueId();
            int inv = uid.lastIndexOf("-invocation:#");
            if (inv >= 0) name += "[" + uid.substring(inv + 13, uid.indexOf(']', inv)) + "]";
        } else if (id.isTest()) {
            kind = "T";
            cls = "?";
            name = id.getDisplayName();
        } else if (src.isPresent() && src.get() instanceof ClassSource c) {
            kind = "C";
            cls = c.getClassName();
            name = "";
        } else {
            return;   // engines, templates: not interesting
        }
        String line = event + "\t" + kind + "\t" + cls + "\t" + clean(name) + "\t" + System.currentTimeMillis()
                + (tail == null ? "" : "\t" + clean(tail)) + "\n";
        try {
            synchronized (this) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // the results share went away: nothing useful left to do
        }
    }

    private static String clean(String s) {
        // keep the status/message tab of the E line; newlines and stray tabs become " | " and " "
        return s.replace("\r", "").replace("\n", " | ");
    }
}
