package com.acme.consumer;

import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** {@code java -jar shaded-consumer-1-acme.jar FILE}: prints what {@link UringRead} reports. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        System.out.println(UringRead.read(Path.of(args[0]), null));
        // With -Djava.nio.file.spi.DefaultFileSystemProvider=<relocated>.nio.UringFileSystemProvider,
        // the JDK's own FileChannel.open must come from the relocated provider.
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ)) {
            System.out.println("provider=" + FileSystems.getDefault().provider().getClass().getName()
                    + " channel=" + ch.getClass().getName() + " size=" + ch.size());
        }
    }
}
