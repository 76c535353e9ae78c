package dev.uring4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The GraalVM native-image metadata in META-INF/native-image/dev.uring4j/uring4j/ (classic
 * jni-config.json, reflect-config.json, resource-config.json) against what the code really
 * does, so that it cannot rot silently: the JNI table of native/jni_entry.c, the JNI calls of
 * native/*.c, the reflective look-ups in src/main/java, and the resource NativeLoader extracts.
 * Needs no GraalVM: it reads the files as they are packaged (target/classes) with a tiny parser.
 */
class NativeImageMetadataTest {
    private static final String DIR = "/META-INF/native-image/dev.uring4j/uring4j/";
    /** The JNI functions the shim may call: none of them needs more metadata than the class for FindClass. */
    private static final Set<String> JNI_FUNCTIONS_WITHOUT_METADATA =
            Set.of("GetEnv", "FindClass", "RegisterNatives", "GetDirectBufferAddress");
    /** Registered names that a JDK older than the given feature release does not have (looked up, tolerated missing). */
    private static final Map<String, Integer> SINCE = Map.of(
            "java.lang.foreign.MemorySegment", 22,
            "java.lang.foreign.MemorySegment$Scope", 22,
            "java.lang.Module#isNativeAccessEnabled", 22,
            "java.lang.Thread#isVirtual", 19);

    private static Object metadata(String file) throws IOException {
        try (InputStream in = NativeImageMetadataTest.class.getResourceAsStream(DIR + file)) {
            assertNotNull(in, DIR + file + " is not on the class path (src/main/resources)");
            return new Json(new String(in.readAllBytes(), StandardCharsets.UTF_8)).parse();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o, String key) {
        Object v = o instanceof Map ? ((Map<String, Object>) o).get(key) : o;
        return v == null ? List.of() : (List<Map<String, Object>>) v;
    }

    @SuppressWarnings("unchecked")
    private static List<String> params(Map<String, Object> method) {
        return (List<String>) method.get("parameterTypes");
    }

    private static String descriptor(Class<?> c) {
        if (c.isArray()) {
            return c.getName().replace('.', '/');
        }
        if (!c.isPrimitive()) {
            return "L" + c.getName().replace('.', '/') + ";";
        }
        return String.valueOf(Map.of(int.class, 'I', long.class, 'J', boolean.class, 'Z', void.class, 'V', short.class,
                'S', byte.class, 'B', char.class, 'C', float.class, 'F', double.class, 'D').get(c));
    }

    private static String descriptor(Method m) {
        StringBuilder sb = new StringBuilder("(");
        for (Class<?> p : m.getParameterTypes()) {
            sb.append(descriptor(p));
        }
        return sb.append(')').append(descriptor(m.getReturnType())).toString();
    }

    private static Class<?> type(String name) throws ClassNotFoundException {
        switch (name) {
            case "int": return int.class;
            case "long": return long.class;
            case "boolean": return boolean.class;
            case "short": return short.class;
            case "byte": return byte.class;
            case "char": return char.class;
            case "float": return float.class;
            case "double": return double.class;
            default: return Class.forName(name, false, NativeImageMetadataTest.class.getClassLoader());
        }
    }

    private static String read(String path) throws IOException {
        return Files.readString(Path.of(path));
    }

    /** name + descriptor of each entry of jni_entry.c's methods[] table. */
    private static Set<String> registeredNatives() throws IOException {
        String c = read("native/jni_entry.c");
        Matcher table = Pattern.compile("JNINativeMethod methods\\[\\] = \\{(.*?)\\n\\};", Pattern.DOTALL).matcher(c);
        assertTrue(table.find(), "methods[] table not found in native/jni_entry.c");
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("\\{\"(\\w+)\", \"([^\"]+)\"").matcher(table.group(1));
        while (m.find()) {
            out.add(m.group(1) + m.group(2));
        }
        assertFalse(out.isEmpty());
        return out;
    }

    @Test
    void jniConfigRegistersExactlyTheClassAndNativesOfJniEntry() throws Exception {
        List<Map<String, Object>> classes = list(metadata("jni-config.json"), null);
        assertEquals(1, classes.size(), "one JNI class: " + classes);
        assertEquals(Native.class.getName(), classes.get(0).get("name"));
        Matcher def = Pattern.compile("#define DEFAULT_CLASS \"([^\"]+)\"").matcher(read("native/selfname.c"));
        assertTrue(def.find());
        assertEquals(Native.class.getName().replace('.', '/'), def.group(1), "the class JNI_OnLoad finds");

        Map<String, Method> natives = new LinkedHashMap<>();
        for (Method m : Native.class.getDeclaredMethods()) {
            if (Modifier.isNative(m.getModifiers())) {
                natives.put(m.getName() + descriptor(m), m);
            }
        }
        Set<String> configured = new TreeSet<>();
        for (Map<String, Object> m : list(classes.get(0), "methods")) {
            String name = (String) m.get("name");
            StringBuilder sb = new StringBuilder(name).append('(');
            for (String p : params(m)) {
                sb.append(descriptor(type(p)));
            }
            sb.append(')');
            String prefix = sb.toString();
            String full = natives.keySet().stream().filter(k -> k.startsWith(prefix)).findFirst()
                    .orElseGet(() -> fail("jni-config.json: " + prefix + " is no native method of " + Native.class.getName()));
            configured.add(full);
        }
        Set<String> c = registeredNatives();
        assertEquals(c, configured, "jni-config.json vs native/jni_entry.c methods[]");
        assertEquals(new TreeSet<>(natives.keySet()), c, "native methods of Native vs native/jni_entry.c methods[]");
    }

    @Test
    void shimCallsNoJniFunctionThatWouldNeedMoreMetadata() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("native"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".c"))::iterator) {
                Matcher m = Pattern.compile("\\(\\*(?:env|vm|jvm)\\)->(\\w+)").matcher(Files.readString(f));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertTrue(used.contains("RegisterNatives"), "scan found " + used);
        used.removeAll(JNI_FUNCTIONS_WITHOUT_METADATA);
        assertEquals(Set.of(), used, "JNI functions that reach into Java (GetMethodID, ThrowNew, NewObject, field "
                + "access...) need their classes and members in jni-config.json; add them there, then here");
    }

    @Test
    void everyRegisteredReflectiveNameExists() throws Exception {
        int feature = Runtime.version().feature();
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> e : list(metadata("reflect-config.json"), null)) {
            String cn = (String) e.get("name");
            Class<?> c;
            try {
                c = type(cn);
            } catch (ClassNotFoundException x) {
                if (feature < SINCE.getOrDefault(cn, 0)) {
                    continue;
                }
                problems.add("no class " + cn);
                continue;
            }
            for (Map<String, Object> f : list(e, "fields")) {
                String key = cn + "#" + f.get("name");
                try {
                    c.getDeclaredField((String) f.get("name"));
                } catch (NoSuchFieldException x) {
                    if (feature >= SINCE.getOrDefault(key, 0)) {
                        problems.add("no field " + key);
                    }
                }
            }
            for (Map<String, Object> m : list(e, "methods")) {
                String key = cn + "#" + m.get("name");
                List<Class<?>> ps = new ArrayList<>();
                for (String p : params(m)) {
                    ps.add(type(p));
                }
                try {
                    if ("<init>".equals(m.get("name"))) {
                        c.getDeclaredConstructor(ps.toArray(new Class<?>[0]));
                    } else {
                        c.getDeclaredMethod((String) m.get("name"), ps.toArray(new Class<?>[0]));
                    }
                } catch (NoSuchMethodException x) {
                    if (feature >= SINCE.getOrDefault(key, 0)) {
                        problems.add("no method " + key + ps);
                    }
                }
            }
        }
        assertEquals(List.of(), problems, "reflect-config.json names what this JDK does not have");
    }

    /** Class.forName, getDeclaredField, getMethod, findVirtual... with a literal name in src/main/java: each registered. */
    @Test
    void everyReflectiveLookupInTheSourcesIsRegistered() throws IOException {
        Set<String> classes = new TreeSet<>();
        Set<String> fields = new TreeSet<>();
        Set<String> methods = new TreeSet<>();
        Set<String> allFields = new TreeSet<>();
        for (Map<String, Object> e : list(metadata("reflect-config.json"), null)) {
            String cn = (String) e.get("name");
            classes.add(cn);
            list(e, "fields").forEach(f -> fields.add((String) f.get("name")));
            list(e, "methods").forEach(m -> methods.add((String) m.get("name")));
            if (Boolean.TRUE.equals(e.get("allDeclaredFields"))) {
                allFields.add(cn.substring(cn.lastIndexOf('.') + 1));
            }
        }
        Pattern forName = Pattern.compile("Class\\.forName\\(\\s*\"([^\"]+)\"");
        Pattern field = Pattern.compile("\\.get(?:Declared)?Field\\(\\s*\"(\\w+)\"");
        Pattern method = Pattern.compile(
                "(?:\\.get(?:Declared)?Method\\(|\\.find(?:Virtual|Static|Special)\\([^,]+,)\\s*\"(\\w+)\"");
        Pattern declaredFields = Pattern.compile("(\\w+)\\.class\\.getDeclaredFields\\(\\)");
        List<String> missing = new ArrayList<>();
        int found = 0;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String s = Files.readString(f);
                for (Object[] rule : new Object[][] {{forName, classes}, {field, fields}, {method, methods},
                        {declaredFields, allFields}}) {
                    Matcher m = ((Pattern) rule[0]).matcher(s);
                    while (m.find()) {
                        found++;
                        @SuppressWarnings("unchecked")
                        Set<String> names = (Set<String>) rule[1];
                        if (!names.contains(m.group(1))) {
                            missing.add(f.getFileName() + ": " + m.group());
                        }
                    }
                }
            }
        }
        assertTrue(found >= 10, "the scan should see Memory's, BufferLifetime's, NativeLoader's look-ups: " + found);
        assertEquals(List.of(), missing, "reflective look-ups not in reflect-config.json");
    }

    @Test
    void resourceConfigIncludesTheLibraryOfEveryClassifierAndNothingElse() throws IOException {
        List<String> paths = new ArrayList<>();
        for (String arch : List.of("amd64", "aarch64")) {
            paths.add("META-INF/native/" + NativeLoader.classifier("Linux", arch) + "/" + NativeLoader.LIBRARY_FILE);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> resources = (Map<String, Object>) ((Map<String, Object>) metadata("resource-config.json"))
                .get("resources");
        List<Pattern> patterns = new ArrayList<>();
        list(resources, "includes").forEach(i -> patterns.add(Pattern.compile((String) i.get("pattern"))));
        for (String p : paths) {
            assertTrue(patterns.stream().anyMatch(r -> r.matcher(p).matches()), "resource-config.json lacks " + p);
        }
        for (Pattern r : patterns) {
            assertTrue(paths.stream().anyMatch(p -> r.matcher(p).matches()), "stale pattern " + r);
        }
    }

    /** Just enough JSON: objects, arrays, strings, numbers, true, false, null. */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object parse() {
            Object v = value();
            ws();
            if (i != s.length()) {
                throw error("trailing text");
            }
            return v;
        }

        private Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                do {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    if (m.put(k, value()) != null) {
                        throw error("duplicate key " + k);
                    }
                    ws();
                } while (s.charAt(i++) == ',');
                if (s.charAt(i - 1) != '}') {
                    throw error("expected }");
                }
                return m;
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                do {
                    l.add(value());
                    ws();
                } while (s.charAt(i++) == ',');
                if (s.charAt(i - 1) != ']') {
                    throw error("expected ]");
                }
                return l;
            }
            if (c == '"') {
                return string();
            }
            for (String lit : new String[] {"true", "false", "null"}) {
                if (s.startsWith(lit, i)) {
                    i += lit.length();
                    return lit.equals("null") ? null : Boolean.valueOf(lit);
                }
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (start == i) {
                throw error("unexpected " + c);
            }
            return Double.valueOf(s.substring(start, i));
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            for (char c; (c = s.charAt(i++)) != '"';) {
                if (c == '\\') {
                    char e = s.charAt(i++);
                    int at = "\"\\/bfnrt".indexOf(e);
                    if (e == 'u') {
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    } else if (at >= 0) {
                        sb.append("\"\\/\b\f\n\r\t".charAt(at));
                    } else {
                        throw error("bad escape \\" + e);
                    }
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }

        private void expect(char c) {
            if (s.charAt(i++) != c) {
                throw error("expected " + c);
            }
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at offset " + i);
        }
    }
}
