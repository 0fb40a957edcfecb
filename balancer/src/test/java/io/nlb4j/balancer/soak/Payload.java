package io.nlb4j.balancer.soak;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * What one soak connection sends: a 16-byte header (magic, connection id, body length) and a body of bytes drawn
 * from a generator seeded with the id. Anyone who has read the header can regenerate every following byte, so the
 * server checks what it receives without being told, and the client checks what comes back, byte for byte. JDK
 * classes only: the instance processes use it too.
 */
final class Payload {

    /** "SOAK". */
    static final int MAGIC = 0x534F414B;
    static final int HEADER_BYTES = 16;

    private Payload() {
    }

    /** The whole byte stream of one connection, header included, produced or checked in order. */
    static final class Stream {
        private final byte[] header = new byte[HEADER_BYTES];
        private final long total;
        private final SplittableRandom random;
        private long position;
        private long word;
        private int wordLeft;

        Stream(long id, int bodyLength) {
            ByteBuffer.wrap(header).putInt(MAGIC).putLong(id).putInt(bodyLength);
            this.total = HEADER_BYTES + (long) bodyLength;
            this.random = new SplittableRandom(id);
        }

        /** Bytes in the whole stream, header included. */
        long total() {
            return total;
        }

        long position() {
            return position;
        }

        long remaining() {
            return total - position;
        }

        private byte next() {
            byte b;
            if (position < HEADER_BYTES) {
                b = header[(int) position];
            } else {
                if (wordLeft == 0) {
                    word = random.nextLong();
                    wordLeft = 8;
                }
                b = (byte) word;
                word >>>= 8;
                wordLeft--;
            }
            position++;
            return b;
        }

        /** Puts the next {@code n} bytes of the stream (at most what remains) into {@code out}. */
        void fill(ByteBuffer out, int n) {
            int count = (int) Math.min(n, Math.min(remaining(), out.remaining()));
            for (int i = 0; i < count; i++) {
                out.put(next());
            }
        }

        /**
         * Compares bytes with the next ones of the stream, consuming them.
         *
         * @return the index in {@code bytes} of the first byte that differs, or {@code -1} if all match; a byte
         *         beyond the end of the stream differs
         */
        int check(byte[] bytes, int offset, int length) {
            for (int i = 0; i < length; i++) {
                if (position >= total || bytes[offset + i] != next()) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** Reads a header; returns null if its magic is wrong. */
    static Header parse(byte[] header) {
        ByteBuffer b = ByteBuffer.wrap(header);
        if (b.getInt() != MAGIC) {
            return null;
        }
        long id = b.getLong();
        int length = b.getInt();
        return length < 0 ? null : new Header(id, length);
    }

    record Header(long id, int bodyLength) {
    }
}
