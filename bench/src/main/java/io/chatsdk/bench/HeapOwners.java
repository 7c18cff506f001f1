package io.chatsdk.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who holds the heap of many like objects, such as idle WebSocket connections: reads a heap dump (HPROF, as written by
 * {@code jcmd PID GC.heap_dump} or {@code CHATSDK_BENCH_HEAP_DUMP}), computes its dominator tree, and charges the
 * retained size of every outermost object of a connection-like class (one that nothing already charged dominates) to
 * that class. A class is connection-like when it is not the JDK's and has about one to four instances per unit
 * (within 5 % of a multiple of UNITS): a heuristic that the printed list lets one check.
 *
 * <p>What it charges is a lower bound: objects that several connections' objects reach (a shared map's entries, a
 * pool's buffer that their slices pin) and the entries a connection adds to shared structures are charged to none.
 *
 * <p>Usage: {@code HeapOwners DUMP UNITS}, where UNITS is how many connections the dump holds. Dumps up to 2 GiB; it
 * needs about eight times the dump's size in heap. Sizes are the JVM's with its default compressed references and
 * 12-byte headers (4-byte references, 8-byte alignment), as in {@code jcmd GC.class_histogram}; HPROF itself records
 * 8-byte references, and leaves out the fields the VM adds to a few JDK classes (threads, class loaders) and the size
 * of {@code Class} objects, which count 0 here.
 *
 * <p>Written here rather than taken from a library: NetBeans' heap library (the one on Maven Central) parses the same
 * dump but sizes objects with 8-byte references and no alignment, about twice the JVM's for these classes.
 */
public final class HeapOwners {
    private static final int[] TYPE_SIZE = new int[12];

    static {
        TYPE_SIZE[2] = 8; // object id in the dump
        TYPE_SIZE[4] = 1;
        TYPE_SIZE[5] = 2;
        TYPE_SIZE[6] = 4;
        TYPE_SIZE[7] = 8;
        TYPE_SIZE[8] = 1;
        TYPE_SIZE[9] = 2;
        TYPE_SIZE[10] = 4;
        TYPE_SIZE[11] = 8;
    }

    private static final String[] PRIMITIVE = {null, null, null, null, "boolean[]", "char[]", "float[]", "double[]", "byte[]", "short[]", "int[]", "long[]"};

    private final ByteBuffer in;
    private final Map<Long, String> strings = new HashMap<>();
    private final Map<Long, Long> classNameIds = new HashMap<>();
    private final Map<Long, String> classNames = new HashMap<>();
    private final Map<Long, byte[]> fieldTypes = new HashMap<>();
    private final Map<Long, Long> superOf = new HashMap<>();
    private final Map<Long, byte[]> layouts = new HashMap<>();
    private final Map<Long, long[]> classStatics = new HashMap<>();
    private final List<Long> roots = new ArrayList<>();

    // objects, by index 1..n (0 is the super root)
    private long[] id = new long[1 << 20];
    private long[] classId = new long[1 << 20]; // an instance's or array's class; minus the type of a primitive array
    private int[] size = new int[1 << 20];
    private int[] start = new int[1 << 20]; // where its references begin in the dump, with their layout
    private byte[] kind = new byte[1 << 20]; // INSTANCE, OBJECT_ARRAY, PRIMITIVE_ARRAY or CLASS
    private int n;

    private static final byte INSTANCE = 0;
    private static final byte OBJECT_ARRAY = 1;
    private static final byte PRIMITIVE_ARRAY = 2;
    private static final byte CLASS = 3;

    private HeapOwners(ByteBuffer in) {
        this.in = in;
    }

    /** What a dump's connection-like objects hold: bytes charged to each owner class, and each owner class's instances. */
    record Owners(long objects, Map<String, Long> bytes, Map<String, Integer> instances) {
        long total() {
            return bytes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: HeapOwners DUMP UNITS");
            System.exit(2);
        }
        int units = Integer.parseInt(args[1]);
        Owners owners = of(Path.of(args[0]), units);
        System.out.printf(Locale.ROOT, "%,d objects; charged to owners with about 1 to 4 instances per unit: %.0f B per unit%n%n", owners.objects(),
                owners.total() / (double) units);
        Map<String, Long> byLibrary = new TreeMap<>();
        owners.bytes().forEach((k, v) -> byLibrary.merge(library(k), v, Long::sum));
        System.out.println("| library (package) | bytes per unit |");
        System.out.println("|---|---:|");
        byLibrary.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %,.0f |%n", e.getKey(), e.getValue() / (double) units));
        System.out.println();
        System.out.println("| owner class | instances | bytes per unit |");
        System.out.println("|---|---:|---:|");
        owners.bytes().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(40)
                .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %,d | %,.0f |%n", e.getKey(), owners.instances().get(e.getKey()), e.getValue() / (double) units));
    }

    /** Reads the dump at {@code file}, which holds {@code units} connection-like objects, and charges its heap to owners. */
    static Owners of(Path file, int units) throws IOException {
        HeapOwners h = new HeapOwners(ByteBuffer.wrap(Files.readAllBytes(file)));
        h.parse();
        return h.owners(units);
    }

    private long u8(int p) {
        return in.getLong(p);
    }

    private int u4(int p) {
        return in.getInt(p);
    }

    private int u2(int p) {
        return in.getShort(p) & 0xffff;
    }

    private void parse() {
        byte[] magic = new byte[12];
        in.get(0, magic);
        if (!new String(magic, java.nio.charset.StandardCharsets.ISO_8859_1).equals("JAVA PROFILE")) {
            throw new IllegalArgumentException("not an HPROF heap dump (a compressed one? uncompress it first)");
        }
        int p = 0;
        while (in.get(p) != 0) {
            p++;
        }
        if (in.getInt(p + 1) != 8) {
            throw new IllegalArgumentException("only dumps with 8-byte ids are read");
        }
        p += 1 + 4 + 8;
        int end = in.limit();
        while (p < end) {
            int tag = in.get(p) & 0xff;
            int length = u4(p + 5);
            int body = p + 9;
            p = body + length;
            if (tag == 0x01) {
                byte[] s = new byte[length - 8];
                in.get(body + 8, s);
                strings.put(u8(body), new String(s, java.nio.charset.StandardCharsets.UTF_8));
            } else if (tag == 0x02) {
                classNameIds.put(u8(body + 4), u8(body + 16));
            } else if (tag == 0x0C || tag == 0x1C) {
                heap(body, body + length);
            }
        }
        classNameIds.forEach((cls, name) -> classNames.put(cls, strings.getOrDefault(name, "?").replace('/', '.')));
    }

    private void heap(int p, int end) {
        while (p < end) {
            int sub = in.get(p++) & 0xff;
            switch (sub) {
                case 0xFF, 0x05, 0x07 -> {
                    roots.add(u8(p));
                    p += 8;
                }
                case 0x01, 0x02, 0x03, 0x08 -> {
                    roots.add(u8(p));
                    p += 16;
                }
                case 0x04, 0x06 -> {
                    roots.add(u8(p));
                    p += 12;
                }
                case 0x20 -> p = classDump(p);
                case 0x21 -> {
                    long cls = u8(p + 12);
                    int bytes = u4(p + 20);
                    add(u8(p), cls, -1, p + 24, INSTANCE);
                    p += 24 + bytes;
                }
                case 0x22 -> {
                    int count = u4(p + 12);
                    long arrayClass = u8(p + 16);
                    add(u8(p), arrayClass, align(16 + 4L * count), p + 24, OBJECT_ARRAY);
                    p += 24 + 8 * count;
                }
                case 0x23 -> {
                    int count = u4(p + 12);
                    int type = in.get(p + 16);
                    add(u8(p), -type, align(16 + (long) TYPE_SIZE[type] * count), -1, PRIMITIVE_ARRAY);
                    p += 17 + TYPE_SIZE[type] * count;
                }
                default -> throw new IllegalArgumentException("unknown heap record " + Integer.toHexString(sub) + " at " + p);
            }
        }
    }

    private int classDump(int p) {
        long cls = u8(p);
        superOf.put(cls, u8(p + 12));
        p += 64;
        int constants = u2(p);
        p += 2;
        for (int i = 0; i < constants; i++) {
            p += 3 + TYPE_SIZE[in.get(p + 2)];
        }
        int statics = u2(p);
        p += 2;
        List<Long> staticRefs = new ArrayList<>();
        for (int i = 0; i < statics; i++) {
            int type = in.get(p + 8);
            if (type == 2 && u8(p + 9) != 0) {
                staticRefs.add(u8(p + 9));
            }
            p += 9 + TYPE_SIZE[type];
        }
        int fields = u2(p);
        p += 2;
        byte[] types = new byte[fields];
        for (int i = 0; i < fields; i++) {
            types[i] = in.get(p + 8);
            p += 9;
        }
        fieldTypes.put(cls, types);
        classStatics.put(cls, staticRefs.stream().mapToLong(Long::longValue).toArray());
        add(cls, 0, 0, -1, CLASS);
        return p;
    }

    private static int align(long bytes) {
        return (int) ((bytes + 7) / 8 * 8);
    }

    private void add(long objectId, long cls, int bytes, int refs, byte what) {
        if (++n == id.length) {
            int grown = id.length * 2;
            id = Arrays.copyOf(id, grown);
            classId = Arrays.copyOf(classId, grown);
            size = Arrays.copyOf(size, grown);
            start = Arrays.copyOf(start, grown);
            kind = Arrays.copyOf(kind, grown);
        }
        id[n] = objectId;
        classId[n] = cls;
        size[n] = bytes;
        start[n] = refs;
        kind[n] = what;
    }

    /** An instance's field types, its own class's first, as the dump lays them out. */
    private byte[] layout(long cls) {
        return layouts.computeIfAbsent(cls, c -> {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (Long k = c; k != null && k != 0 && fieldTypes.containsKey(k); k = superOf.get(k)) {
                all.writeBytes(fieldTypes.get(k));
            }
            return all.toByteArray();
        });
    }

    private String name(int v) {
        long cls = classId[v];
        if (kind[v] == CLASS) {
            return "class " + classNames.getOrDefault(id[v], "?");
        }
        if (kind[v] == PRIMITIVE_ARRAY) {
            return PRIMITIVE[(int) -cls];
        }
        return classNames.getOrDefault(cls, "?");
    }

    private Owners owners(int units) {
        String[] names = new String[n + 1];
        Map<Long, Integer> index = new HashMap<>(n * 2);
        for (int v = 1; v <= n; v++) {
            index.put(id[v], v);
            names[v] = name(v);
        }
        // references, as compressed rows
        int[] first = new int[n + 2];
        List<int[]> rows = new ArrayList<>(n + 1);
        rows.add(roots.stream().map(index::get).filter(java.util.Objects::nonNull).mapToInt(Integer::intValue).toArray());
        for (int v = 1; v <= n; v++) {
            rows.add(references(v, index));
        }
        int edges = 0;
        for (int v = 0; v <= n; v++) {
            first[v] = edges;
            edges += rows.get(v).length;
        }
        first[n + 1] = edges;
        int[] to = new int[edges];
        for (int v = 0, e = 0; v <= n; v++) {
            for (int w : rows.get(v)) {
                to[e++] = w;
            }
        }
        rows.clear();
        Dominators tree = Dominators.of(n + 1, first, to);
        int[] idom = tree.idom();
        int[] order = tree.preorder();
        long[] retained = new long[n + 1];
        for (int v = 0; v <= n; v++) {
            retained[v] = v == 0 ? 0 : size[v];
        }
        for (int k = order.length - 1; k > 0; k--) {
            int w = order[k];
            retained[idom[w]] += retained[w];
        }
        Map<String, Integer> count = new HashMap<>();
        for (int v = 1; v <= n; v++) {
            if (idom[v] >= 0) {
                count.merge(names[v], 1, Integer::sum);
            }
        }
        // in preorder, so that a node's dominator comes first: an outermost object of a connection-like class (nothing
        // charged dominates it) is charged with all it dominates
        boolean[] under = new boolean[n + 1];
        Map<String, long[]> byOwner = new HashMap<>();
        for (int k = 1; k < order.length; k++) {
            int v = order[k];
            if (under[idom[v]]) {
                under[v] = true;
            } else if (owner(names[v]) && perUnit(count.get(names[v]), units)) {
                under[v] = true;
                byOwner.computeIfAbsent(names[v], x -> new long[1])[0] += retained[v];
            }
        }
        Map<String, Long> bytes = new HashMap<>();
        byOwner.forEach((k, v) -> bytes.put(k, v[0]));
        return new Owners(n, bytes, count);
    }

    private int[] references(int v, Map<Long, Integer> index) {
        List<Integer> out = new ArrayList<>();
        if (kind[v] == CLASS) {
            for (long r : classStatics.getOrDefault(id[v], new long[0])) {
                link(out, r, index);
            }
        } else if (kind[v] == OBJECT_ARRAY) {
            int count = u4(start[v] - 12);
            for (int i = 0; i < count; i++) {
                link(out, u8(start[v] + 8 * i), index);
            }
        } else if (kind[v] == INSTANCE) {
            int p = start[v];
            int recorded = u4(p - 4);
            int jvmSize = 12;
            for (byte t : layout(classId[v])) {
                if (t == 2) {
                    link(out, u8(p), index);
                    jvmSize += 4;
                } else {
                    jvmSize += TYPE_SIZE[t];
                }
                p += TYPE_SIZE[t];
            }
            if (p - start[v] != recorded) {
                throw new IllegalArgumentException("an instance of " + name(v) + " has " + recorded + " bytes of fields where its classes' layout has "
                        + (p - start[v]) + ": a class dump is missing");
            }
            size[v] = align(jvmSize);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Adds the object {@code objectId} refers to, when the dump holds it (a null or a missing object adds nothing). */
    private static void link(List<Integer> out, long objectId, Map<Long, Integer> index) {
        Integer w = index.get(objectId);
        if (w != null) {
            out.add(w);
        }
    }

    private static boolean perUnit(Integer count, int units) {
        if (count == null) {
            return false;
        }
        for (int k = 1; k <= 4; k++) {
            if (Math.abs(count - k * units) <= 0.05 * k * units) {
                return true;
            }
        }
        return false;
    }

    /** An object that can own connection-like state: not the JDK's (a map, a string, an array), not a class. */
    private static boolean owner(String name) {
        return !(name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.") || name.endsWith("[]") || name.startsWith("[")
                || name.startsWith("class "));
    }

    private static String library(String name) {
        String[] parts = name.split("\\.");
        return String.join(".", Arrays.copyOf(parts, Math.min(3, parts.length - 1)));
    }

    /**
     * A graph's immediate dominators ({@code idom}, -1 for a node not reachable from node 0) and its reachable nodes in
     * depth-first preorder, so that every node comes after its dominator. Lengauer and Tarjan's algorithm (the simple
     * version, with path compression), without recursion.
     */
    record Dominators(int[] idom, int[] preorder) {
        static Dominators of(int n, int[] first, int[] to) {
            int[] semi = new int[n];
            int[] vertex = new int[n + 1];
            int[] parent = new int[n];
            int[] next = new int[n];
            int count = 0;
            semi[0] = ++count;
            vertex[count] = 0;
            int[] stack = new int[n];
            int top = 0;
            stack[0] = 0;
            next[0] = first[0];
            while (top >= 0) {
                int v = stack[top];
                if (next[v] < first[v + 1]) {
                    int w = to[next[v]++];
                    if (semi[w] == 0) {
                        parent[w] = v;
                        semi[w] = ++count;
                        vertex[count] = w;
                        next[w] = first[w];
                        stack[++top] = w;
                    }
                } else {
                    top--;
                }
            }
            // predecessors of reachable nodes
            int[] predCount = new int[n + 1];
            for (int v = 0; v < n; v++) {
                if (semi[v] != 0) {
                    for (int e = first[v]; e < first[v + 1]; e++) {
                        predCount[to[e] + 1]++;
                    }
                }
            }
            for (int v = 0; v < n; v++) {
                predCount[v + 1] += predCount[v];
            }
            int[] pred = new int[predCount[n]];
            int[] fill = Arrays.copyOf(predCount, n);
            for (int v = 0; v < n; v++) {
                if (semi[v] != 0) {
                    for (int e = first[v]; e < first[v + 1]; e++) {
                        pred[fill[to[e]]++] = v;
                    }
                }
            }
            int[] ancestor = new int[n];
            Arrays.fill(ancestor, -1);
            int[] label = new int[n];
            for (int v = 0; v < n; v++) {
                label[v] = v;
            }
            int[] idom = new int[n];
            Arrays.fill(idom, -1);
            int[] bucketHead = new int[n];
            Arrays.fill(bucketHead, -1);
            int[] bucketNext = new int[n];
            int[] path = new int[n];
            for (int k = count; k >= 2; k--) {
                int w = vertex[k];
                for (int e = predCount[w]; e < predCount[w + 1]; e++) {
                    int u = eval(pred[e], ancestor, label, semi, path);
                    if (semi[u] < semi[w]) {
                        semi[w] = semi[u];
                    }
                }
                int s = vertex[semi[w]];
                bucketNext[w] = bucketHead[s];
                bucketHead[s] = w;
                int p = parent[w];
                ancestor[w] = p;
                for (int v = bucketHead[p]; v != -1; v = bucketNext[v]) {
                    int u = eval(v, ancestor, label, semi, path);
                    idom[v] = semi[u] < semi[v] ? u : p;
                }
                bucketHead[p] = -1;
            }
            for (int k = 2; k <= count; k++) {
                int w = vertex[k];
                if (idom[w] != vertex[semi[w]]) {
                    idom[w] = idom[idom[w]];
                }
            }
            idom[0] = 0;
            return new Dominators(idom, Arrays.copyOfRange(vertex, 1, count + 1));
        }

        private static int eval(int v, int[] ancestor, int[] label, int[] semi, int[] path) {
            if (ancestor[v] == -1) {
                return v;
            }
            int depth = 0;
            int u = v;
            while (ancestor[ancestor[u]] != -1) {
                path[depth++] = u;
                u = ancestor[u];
            }
            for (int i = depth - 1; i >= 0; i--) {
                int x = path[i];
                int a = ancestor[x];
                if (semi[label[a]] < semi[label[x]]) {
                    label[x] = label[a];
                }
                ancestor[x] = ancestor[a];
            }
            return label[v];
        }
    }
}
