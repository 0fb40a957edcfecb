package io.nlb4j.samples.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles SIGINT and SIGTERM so that the runner can drain and exit 0 rather than be killed with 130/143, and SIGHUP
 * to reload the specification.
 * Uses the JDK's {@code sun.misc.Signal} (module jdk.unsupported) through reflection; where it is missing,
 * a shutdown hook runs the same action.
 */
final class Signals {

    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /**
     * Runs an action on each SIGHUP (the runner reloads its file). Where signals cannot be handled, nothing is
     * installed and a warning says so.
     */
    static void onHangUp(Runnable action) {
        try {
            handle(action, "reloading", "HUP");
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("SIGHUP cannot be handled here ({}): reload with --watch instead", e.toString());
        }
    }

    static void onTermination(Runnable action) {
        try {
            handle(action, "stopping", "INT", "TERM");
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("signal handling unavailable ({}), using a shutdown hook", e.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(action, "nlb4j-shutdown"));
        }
    }

    /** Installs one handler for the named signals, which logs what it is doing and runs the action. */
    private static void handle(Runnable action, String doing, String... names) throws ReflectiveOperationException {
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
        InvocationHandler ih = (proxy, method, args) -> {
            if ("handle".equals(method.getName())) {
                log.info("received {}, {}", args[0], doing);
                action.run();
            }
            return null;
        };
        Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerType}, ih);
        for (String name : names) {
            Object sig = signal.getConstructor(String.class).newInstance(name);
            signal.getMethod("handle", signal, handlerType).invoke(null, sig, handler);
        }
    }
}
