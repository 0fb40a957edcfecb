package io.nlb4j.samples.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The code under test in the "Testing with nlb4j" sample: a client that asks a line-based service one question per
 * connection and retries, on a new connection, when one fails or answers too slowly.
 */
final class RetryingClient {

    private final InetSocketAddress address;
    private final int attempts;
    private final Duration timeout;
    private int retries;

    RetryingClient(InetSocketAddress address, int attempts, Duration timeout) {
        this.address = address;
        this.attempts = attempts;
        this.timeout = timeout;
    }

    /** Sends a line, returns the answer's first line; retries up to the attempts on any I/O failure. */
    String ask(String question) throws IOException {
        IOException last = null;
        for (int i = 0; i < attempts; i++) {
            if (i > 0) {
                retries++;
            }
            try (Socket s = new Socket()) {
                s.connect(address, (int) timeout.toMillis());
                s.setSoTimeout((int) timeout.toMillis());
                s.getOutputStream().write((question + "\n").getBytes(StandardCharsets.UTF_8));
                String answer = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                if (answer != null) {
                    return answer;
                }
                last = new IOException("closed without an answer");
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no answer after " + attempts + " attempts", last);
    }

    /** How many times a question was asked again. */
    int retries() {
        return retries;
    }
}
