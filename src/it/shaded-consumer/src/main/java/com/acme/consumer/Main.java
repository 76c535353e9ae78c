package com.acme.consumer;

import java.nio.file.Path;

/** {@code java -jar shaded-consumer-1-acme.jar FILE}: prints what {@link UringRead} reports. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        System.out.println(UringRead.read(Path.of(args[0]), null));
    }
}
