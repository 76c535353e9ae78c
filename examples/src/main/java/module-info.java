/**
 * uring4j's examples: programs on its API alone. Requiring the module {@code dev.uring4j}
 * makes the compiler refuse any use of its internal packages, which it does not export.
 */
module dev.uring4j.examples {
    requires transitive dev.uring4j;

    exports dev.uring4j.examples;
}
