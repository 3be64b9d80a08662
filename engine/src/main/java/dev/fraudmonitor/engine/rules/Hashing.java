package dev.fraudmonitor.engine.rules;

/** 64-bit FNV-1a: cheap, stable across JVMs and versions (state depends on it). */
final class Hashing {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private Hashing() {}

    static long fnv64(String s) {
        long h = OFFSET;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            h ^= (c & 0xff);
            h *= PRIME;
            h ^= (c >>> 8);
            h *= PRIME;
        }
        return h;
    }

    static int fnv32(String s) {
        long h = fnv64(s);
        return (int) (h ^ (h >>> 32));
    }
}
