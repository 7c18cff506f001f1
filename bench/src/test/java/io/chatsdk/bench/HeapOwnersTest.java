package io.chatsdk.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeapOwnersTest {
    @TempDir
    Path dir;

    @Test
    void immediateDominatorsMatchTheirDefinitionOnRandomGraphs() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            int n = 2 + random.nextInt(40);
            List<List<Integer>> succ = new ArrayList<>();
            for (int v = 0; v < n; v++) {
                List<Integer> out = new ArrayList<>();
                int edges = random.nextInt(4);
                for (int e = 0; e < edges; e++) {
                    out.add(random.nextInt(n));
                }
                succ.add(out);
            }
            int[] first = new int[n + 1];
            List<Integer> to = new ArrayList<>();
            for (int v = 0; v < n; v++) {
                first[v] = to.size();
                to.addAll(succ.get(v));
            }
            first[n] = to.size();
            HeapOwners.Dominators tree = HeapOwners.Dominators.of(n, first, to.stream().mapToInt(Integer::intValue).toArray());
            assertArrayEquals(bruteForce(n, succ), tree.idom(), "round " + round);
            // the preorder puts every node after its dominator, which the retained sizes rely on
            int[] position = new int[n];
            for (int k = 0; k < tree.preorder().length; k++) {
                position[tree.preorder()[k]] = k;
            }
            for (int v : tree.preorder()) {
                assertTrue(v == 0 || position[tree.idom()[v]] < position[v]);
            }
        }
    }

    /** d dominates v when v cannot be reached from 0 without d; v's immediate dominator is the nearest such d. */
    private static int[] bruteForce(int n, List<List<Integer>> succ) {
        boolean[] reachable = reach(n, succ, -1);
        int[] idom = new int[n];
        Arrays.fill(idom, -1);
        idom[0] = 0;
        boolean[][] dominates = new boolean[n][];
        for (int d = 0; d < n; d++) {
            boolean[] without = reach(n, succ, d);
            dominates[d] = new boolean[n];
            for (int v = 0; v < n; v++) {
                dominates[d][v] = reachable[v] && (v == d || !without[v]);
            }
        }
        for (int v = 1; v < n; v++) {
            if (!reachable[v]) {
                continue;
            }
            for (int d = 0; d < n; d++) {
                if (d == v || !dominates[d][v]) {
                    continue;
                }
                // the immediate one is dominated by every other strict dominator of v
                boolean nearest = true;
                for (int o = 0; o < n; o++) {
                    if (o != v && o != d && dominates[o][v] && !dominates[o][d]) {
                        nearest = false;
                    }
                }
                if (nearest) {
                    idom[v] = d;
                }
            }
        }
        return idom;
    }

    private static boolean[] reach(int n, List<List<Integer>> succ, int removed) {
        boolean[] seen = new boolean[n];
        if (removed == 0) {
            return seen;
        }
        java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>(List.of(0));
        seen[0] = true;
        while (!todo.isEmpty()) {
            for (int w : succ.get(todo.poll())) {
                if (w != removed && !seen[w]) {
                    seen[w] = true;
                    todo.add(w);
                }
            }
        }
        return seen;
    }

    /**
     * One connection-like object: an array of its own, a map of its own, an array all of them share, and two parts
     * that a list holds too (so that no unit dominates them, and they are charged to themselves).
     */
    static final class Unit {
        final byte[] own = new byte[10_000];
        final Map<Integer, Part> parts = new HashMap<>();
        final byte[] shared;

        Unit(byte[] shared) {
            this.shared = shared;
            for (int key = 1; key <= 2; key++) {
                Part part = new Part();
                parts.put(key, part);
                PARTS.add(part);
            }
        }
    }

    /** Two per unit. */
    static final class Part {
        final long[] values = new long[100];
    }

    static final List<Unit> UNITS = new ArrayList<>();
    static final List<Part> PARTS = new ArrayList<>();

    @Test
    void aUnitsOwnObjectsAreChargedToItAndASharedArrayToNone() throws Exception {
        byte[] shared = new byte[5_000_000];
        for (int i = 0; i < 1000; i++) {
            UNITS.add(new Unit(shared));
        }
        Path dump = dir.resolve("heap.hprof");
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        // the sizes HeapOwners gives assume these, the JVM's defaults for heaps under 32 GiB (the dump does not record them)
        assertEquals("true", vm.getVMOption("UseCompressedOops").getValue());
        assertEquals("false", vm.getVMOption("UseCompactObjectHeaders").getValue());
        try {
            vm.dumpHeap(dump.toString(), true);
            HeapOwners.Owners owners = HeapOwners.of(dump, 1000);
            String unit = Unit.class.getName();
            assertEquals(Set.of(unit, Part.class.getName()), owners.bytes().keySet());
            assertEquals(1000, owners.instances().get(unit));
            assertEquals(2000, owners.instances().get(Part.class.getName()));
            // with compressed references and 12-byte headers (this JVM's defaults, which the dump does not record): a
            // Unit 24 B, its array 10,016, its map 48 with a table of 16 slots (80) and two entries (2 x 32); the map's
            // keys are the JDK's cached Integers, shared, so no one's. Each Part 16 B and its array 816.
            assertEquals(1000L * (24 + 10_016 + 48 + 80 + 64), owners.bytes().get(unit));
            assertEquals(2000L * (16 + 816), owners.bytes().get(Part.class.getName()));
            // the 5 MB array every unit shares is no unit's
            assertEquals(1000L * (10_232 + 2 * 832), owners.total());
            assertFalse(owners.bytes().containsKey("byte[]"));
        } finally {
            UNITS.clear();
            PARTS.clear();
            Files.deleteIfExists(dump);
        }
    }
}
