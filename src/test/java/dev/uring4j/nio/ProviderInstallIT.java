package dev.uring4j.nio;

import dev.uring4j.TestSupport;
import dev.uring4j.nio.child.InstalledProviderMain;
import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flag with the packaged classifier jar, as users install it: on the class path (the JDK
 * opens the jar while it creates the default file system; JDK 17 updates before the fix of
 * JDK-8263940 failed here) and on the module path.
 */
class ProviderInstallIT {
    private static final String CLASSIFIER_JAR = System.getProperty("uring4j.test.classifierJar");

    @TempDir
    Path dir;

    @BeforeEach
    void packagedJar() {
        // Failsafe (mvn verify) always sets it; a Surefire run selecting this class by pattern has no jar.
        Assumptions.assumeTrue(CLASSIFIER_JAR != null, "runs against the packaged jar, in mvn verify");
    }

    @Test
    void jarOnTheClassPath() throws Exception {
        String out = ChildJvm.run(ChildJvm.options(true), CLASSIFIER_JAR + File.pathSeparator + TestSupport.testClassesDir(),
                InstalledProviderMain.class, dir.toString());
        InstalledProviderTest.assertInstalled(out, "dev.uring4j.nio." + TestSupport.jarFileChannelClass());
    }

    @Test
    void jarOnTheModulePath() throws Exception {
        String out = ChildJvm.run(ChildJvm.options(true, "-p", CLASSIFIER_JAR, "--add-modules", "dev.uring4j"),
                TestSupport.testClassesDir().toString(), InstalledProviderMain.class, dir.toString());
        InstalledProviderTest.assertInstalled(out, "dev.uring4j.nio." + TestSupport.jarFileChannelClass());
    }
}
