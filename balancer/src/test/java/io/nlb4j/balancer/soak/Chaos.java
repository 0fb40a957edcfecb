package io.nlb4j.balancer.soak;

import static org.awaitility.Awaitility.await;

import io.nlb4j.balancer.RunningBackendService;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.ServerStats;
import io.nlb4j.group.InstanceInfo;
import io.nlb4j.group.RunningAvailabilityGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The soak test's chaos: one thread that, every second or two, does one thing to the running load balancer, drawn
 * from a seeded generator among those that keep at least two servers of each service serving — remove a static
 * server (it drains, with a short timeout) or put one back, even while it drains; change a weight; kill a static
 * server (every connection reset, the port closed) and later revive it on its port or replace it; scale the
 * availability group out or in; kill an instance's process ({@code destroyForcibly}) and wait for its replacement.
 * Every wait is bounded; a wait that runs out is a failure, reported with the state it found. After each change to
 * the group, the instance processes alive must be those of the group's instances.
 */
final class Chaos {

    enum State {
        IN_SERVICE, REMOVING, SPARE, DEAD
    }

    /** A static server of the test and what the test has made of it. */
    static final class Backend {
        final String name;
        EchoServer server;
        InetSocketAddress address;
        State state;
        int weight;
        /** The removal under way, if any; a completion of an older one is ignored. */
        CompletableFuture<Void> removal;
        long removalStarted;
        int generation;

        Backend(EchoServer server, State state, int weight) {
            this.name = server.name();
            this.server = server;
            this.address = server.address();
            this.state = state;
            this.weight = weight;
        }

        @Override
        public String toString() {
            return name + '(' + address.getPort() + ' ' + state + ')';
        }
    }

    /** Starts a server for a backend: at an address, or on an ephemeral port when given port 0. */
    interface ServerStarter {
        EchoServer start(String name, InetSocketAddress address) throws IOException;
    }

    private static final Duration STATIC_WAIT = Duration.ofSeconds(45);
    private static final Duration GROUP_WAIT = Duration.ofSeconds(120);

    private final RunningLoadBalancer lb;
    private final String staticService;
    private final String groupService;
    private final String groupName;
    private final List<Backend> backends;
    private final ServerStarter starter;
    private final Disruptions disruptions;
    private final Consumer<String> failure;
    private final Consumer<String> log;
    private final Random random;
    private final Duration drainTimeout;
    private final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
    private final Map<String, Integer> done = new LinkedHashMap<>();
    private int maxProcesses;
    private int revivals;

    Chaos(RunningLoadBalancer lb, String staticService, String groupService, String groupName, List<Backend> backends,
          ServerStarter starter, Disruptions disruptions, Duration drainTimeout, long seed, Consumer<String> failure,
          Consumer<String> log) {
        this.lb = lb;
        this.staticService = staticService;
        this.groupService = groupService;
        this.groupName = groupName;
        this.backends = backends;
        this.starter = starter;
        this.disruptions = disruptions;
        this.drainTimeout = drainTimeout;
        this.random = new Random(seed);
        this.failure = failure;
        this.log = log;
    }

    /** What was done, by kind. */
    Map<String, Integer> done() {
        return Map.copyOf(done);
    }

    int maxProcesses() {
        return maxProcesses;
    }

    /**
     * Acts until told to stop, then waits for the removals under way.
     *
     * @param keepGoing whether to go on
     */
    void run(BooleanSupplier keepGoing) {
        while (keepGoing.getAsBoolean()) {
            pause(800 + random.nextInt(1700));
            if (!keepGoing.getAsBoolean()) {
                break;
            }
            settleCompletions();
            checkOverdueRemovals();
            try {
                act();
            } catch (RuntimeException e) {
                failure.accept("chaos: " + e);
            }
        }
        long deadline = System.nanoTime() + drainTimeout.plus(STATIC_WAIT).toNanos();
        while (backends.stream().anyMatch(b -> b.state == State.REMOVING) && System.nanoTime() - deadline < 0) {
            pause(50);
            settleCompletions();
        }
        settleCompletions();
        checkOverdueRemovals();
    }

    /** The kinds of action, each with how often it comes up in a deck. */
    private enum Kind {
        REMOVE_STATIC(3), REMOVE_AND_ADD_BACK(1), ADD_STATIC(3), CHANGE_WEIGHT(1), KILL_STATIC(2), REVIVE_STATIC(3),
        SCALE_OUT(2), SCALE_IN(2), KILL_INSTANCE(2);

        final int copies;

        Kind(int copies) {
            this.copies = copies;
        }
    }

    /**
     * The actions to come: every kind, as many times as it counts, shuffled; refilled when used up. So every kind
     * comes up in every deck (about 20 actions), even in a short run, unless it cannot be done then.
     */
    private final List<Kind> deck = new ArrayList<>();

    private void act() {
        for (int tries = 0; tries < 2 * 19 + 2; tries++) {
            if (deck.isEmpty()) {
                for (Kind k : Kind.values()) {
                    for (int i = 0; i < k.copies; i++) {
                        deck.add(k);
                    }
                }
                Collections.shuffle(deck, random);
            }
            Kind kind = deck.remove(deck.size() - 1);
            Runnable action = action(kind);
            if (action != null) {
                action.run();
                return;
            }
        }
    }

    /** The action of a kind, or null if it cannot be done now without leaving a service short of servers. */
    private Runnable action(Kind kind) {
        List<Backend> serving = alive(State.IN_SERVICE);
        boolean deadInService = backends.stream().anyMatch(b -> b.state == State.DEAD);
        RunningAvailabilityGroup group = lb.availabilityGroup(groupName);
        int desired = group.capacity().desired();
        switch (kind) {
            case REMOVE_STATIC:
                return serving.size() >= 3 ? () -> removeStatic(pick(serving)) : null;
            case REMOVE_AND_ADD_BACK:
                return serving.size() >= 3 ? () -> removeAndAddBack(pick(serving)) : null;
            case ADD_STATIC: {
                List<Backend> spare = alive(State.SPARE);
                return spare.isEmpty() ? null : () -> addStatic(pick(spare));
            }
            case CHANGE_WEIGHT:
                return serving.isEmpty() ? null : () -> changeWeight(pick(serving));
            case KILL_STATIC:
                return serving.size() >= 3 && !deadInService ? () -> killStatic(pick(serving)) : null;
            case REVIVE_STATIC: {
                List<Backend> dead = backends.stream().filter(b -> b.state == State.DEAD && b.removal == null)
                        .toList();
                return dead.isEmpty() ? null : () -> reviveStatic(pick(dead));
            }
            case SCALE_OUT:
                return desired < group.capacity().max() ? () -> scaleGroup(group, desired + 1) : null;
            case SCALE_IN:
                return desired > 2 ? () -> scaleGroup(group, desired - 1) : null;
            case KILL_INSTANCE: {
                List<InstanceInfo> up = group.instances().stream().filter(InstanceInfo::servesTraffic).toList();
                return up.size() >= 3 && up.size() >= desired ? () -> killInstance(group, pick(up)) : null;
            }
            default:
                throw new IllegalStateException(kind.name());
        }
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private List<Backend> alive(State state) {
        return backends.stream().filter(b -> b.state == state && !b.server.killed()).toList();
    }

    private void count(String what) {
        done.merge(what, 1, Integer::sum);
    }

    private RunningBackendService statics() {
        return lb.backendService(staticService);
    }

    // ---- static servers ----

    private void removeStatic(Backend b) {
        log.accept("remove " + b);
        b.state = State.REMOVING;
        int generation = ++b.generation;
        b.removalStarted = System.nanoTime();
        CompletableFuture<Void> removal = statics().removeServer(b.address).toFuture();
        b.removal = removal;
        removal.whenComplete((v, e) -> completions.add(() -> removed(b, generation, e)));
        count("remove static server");
    }

    private void removed(Backend b, int generation, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (b.generation != generation || b.state != State.REMOVING) {
            // added back meanwhile: the removal gives way, saying so (or it had just completed)
            if (cause != null && !(cause instanceof CancellationException)) {
                failure.accept("chaos: removal of " + b + " failed after it was added back: " + cause);
            }
            return;
        }
        b.removal = null;
        if (cause != null) {
            failure.accept("chaos: removal of " + b + " failed: " + cause);
            b.state = State.IN_SERVICE; // as far as we know
            return;
        }
        if (statics().servers().stream().anyMatch(s -> s.address().equals(b.address))) {
            failure.accept("chaos: " + b + " still listed after its removal completed: " + statics().servers());
        }
        b.state = State.SPARE;
    }

    private void settleCompletions() {
        for (Runnable r; (r = completions.poll()) != null; ) {
            r.run();
        }
    }

    private void checkOverdueRemovals() {
        long limit = drainTimeout.plus(STATIC_WAIT).toNanos();
        for (Backend b : backends) {
            if (b.state == State.REMOVING && System.nanoTime() - b.removalStarted > limit) {
                failure.accept("chaos: removal of " + b + " not complete after " + TimeUnit.NANOSECONDS.toSeconds(
                        limit) + " s (draining timeout " + drainTimeout.toMillis() + " ms): " + statics().servers());
                b.state = State.DEAD; // leave it alone from now on
                b.generation++;
            }
        }
    }

    /** Removes a server, then soon after (often while it still drains) adds it back. */
    private void removeAndAddBack(Backend b) {
        removeStatic(b);
        pause(random.nextInt(1000));
        settleCompletions();
        boolean draining = b.state == State.REMOVING;
        log.accept("add back " + (draining ? "while draining " : "after its removal ") + b);
        b.generation++; // the removal under way now fails with a CancellationException, or has just completed
        b.state = State.IN_SERVICE;
        b.removal = null;
        if (addAndAwait(b, "added back")) {
            count(draining ? "add static server back while draining" : "add static server back after removal");
        }
    }

    private void addStatic(Backend b) {
        log.accept("add " + b);
        b.state = State.IN_SERVICE;
        if (addAndAwait(b, "added")) {
            count("add static server");
        }
    }

    private boolean addAndAwait(Backend b, String what) {
        b.weight = 1 + random.nextInt(5);
        try {
            statics().addServer(b.address, b.weight).block(STATIC_WAIT);
            return true;
        } catch (RuntimeException e) {
            failure.accept("chaos: " + b + " " + what + " but not serving within " + STATIC_WAIT.toSeconds() + " s: "
                    + e + "; servers " + statics().servers());
            return false;
        }
    }

    private void changeWeight(Backend b) {
        int w = 1 + random.nextInt(10);
        log.accept("weight " + b + " " + b.weight + " -> " + w);
        try {
            statics().setWeight(b.address, w).block(STATIC_WAIT);
            b.weight = w;
            count("change static server weight");
        } catch (RuntimeException e) {
            failure.accept("chaos: weight of " + b + " not changed: " + e);
        }
    }

    private void killStatic(Backend b) {
        log.accept("kill " + b + " with " + b.server.openConnections() + " open connections");
        disruptions.add(staticService, b.address, Disruptions.Kind.KILL, "killed static server " + b.name);
        b.server.kill();
        b.state = State.DEAD;
        count("kill static server");
    }

    private void reviveStatic(Backend b) {
        // The load balancer must first have noticed, so that the revival is a real comeback.
        try {
            await("static server " + b + " seen unhealthy or ejected").atMost(STATIC_WAIT).pollInSameThread()
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> server(b).map(s -> !s.servesTraffic()).orElse(true));
        } catch (RuntimeException e) {
            failure.accept("chaos: killed " + b + " still serving after " + STATIC_WAIT.toSeconds() + " s: "
                    + statics().servers());
            return;
        }
        boolean samePort = random.nextBoolean();
        if (samePort) {
            try {
                b.server = starter.start(b.name, b.address);
            } catch (IOException e) {
                log.accept("revive " + b + " on its port failed (" + e + "), replacing it");
                samePort = false;
            }
        }
        if (samePort) {
            log.accept("revive " + b + " on its port");
            try {
                statics().awaitServing(b.address).block(STATIC_WAIT);
                b.state = State.IN_SERVICE;
                count("revive killed static server");
            } catch (RuntimeException e) {
                failure.accept("chaos: revived " + b + " not serving within " + STATIC_WAIT.toSeconds() + " s: " + e
                        + "; servers " + statics().servers());
                b.state = State.IN_SERVICE;
            }
            return;
        }
        log.accept("replace killed " + b);
        try {
            statics().removeServer(b.address).block(STATIC_WAIT);
        } catch (RuntimeException e) {
            failure.accept("chaos: killed " + b + " not removed within " + STATIC_WAIT.toSeconds() + " s: " + e);
            return;
        }
        try {
            b.server = starter.start(b.name + "r" + (++revivals), new InetSocketAddress(b.address.getAddress(), 0));
        } catch (IOException e) {
            failure.accept("chaos: cannot start a replacement for " + b + ": " + e);
            return;
        }
        Backend fresh = new Backend(b.server, State.IN_SERVICE, 1);
        backends.set(backends.indexOf(b), fresh);
        if (addAndAwait(fresh, "added as a replacement")) {
            count("replace killed static server");
        }
    }

    private Optional<ServerStats> server(Backend b) {
        return statics().servers().stream().filter(s -> s.address().equals(b.address)).findFirst();
    }

    // ---- the availability group ----

    private void scaleGroup(RunningAvailabilityGroup group, int desired) {
        int before = group.capacity().desired();
        log.accept("scale " + groupName + " " + before + " -> " + desired);
        try {
            group.setDesiredCapacity(desired).block(GROUP_WAIT);
            awaitGroupSettled(group, desired, "scaled from " + before + " to " + desired);
            count(desired > before ? "scale group out" : "scale group in");
        } catch (RuntimeException e) {
            failure.accept("chaos: scaling " + groupName + " to " + desired + " failed: " + e);
        }
    }

    private void killInstance(RunningAvailabilityGroup group, InstanceInfo victim) {
        Optional<ProcessHandle> process = processes().filter(p -> instanceIdOf(p).equals(victim.id())).findFirst();
        if (process.isEmpty()) {
            failure.accept("chaos: no process for serving instance " + victim.id() + " (processes: "
                    + processes().map(Chaos::describe).toList() + ')');
            return;
        }
        InetSocketAddress address = victim.address().orElseThrow();
        log.accept("kill instance " + victim.id() + " (process " + process.get().pid() + ", " + address + ')');
        disruptions.add(groupService, address, Disruptions.Kind.KILL, "killed instance process " + victim.id());
        process.get().destroyForcibly();
        int desired = group.capacity().desired();
        try {
            await("instance " + victim.id() + " replaced").atMost(GROUP_WAIT).pollInSameThread()
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> group.instances().stream().noneMatch(i -> i.id().equals(victim.id())));
            awaitGroupSettled(group, desired, "instance " + victim.id() + " killed");
            count("kill instance process");
        } catch (RuntimeException e) {
            failure.accept("chaos: killed instance " + victim.id() + " not replaced within " + GROUP_WAIT.toSeconds()
                    + " s: " + e + "; instances " + group.instances());
        }
    }

    /**
     * Waits until the group has its desired instances, all serving, and the service exactly their servers; then
     * checks that the instance processes alive are exactly those of its instances.
     */
    private void awaitGroupSettled(RunningAvailabilityGroup group, int desired, String after) {
        try {
            await("group " + groupName + " settled at " + desired).atMost(GROUP_WAIT).pollInSameThread()
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        List<InstanceInfo> instances = group.instances();
                        Set<InetSocketAddress> servers = lb.backendService(groupService).servers().stream()
                                .filter(ServerStats::servesTraffic).map(ServerStats::address)
                                .collect(Collectors.toSet());
                        return instances.size() == desired && instances.stream().allMatch(InstanceInfo::servesTraffic)
                                && servers.equals(instances.stream().map(i -> i.address().orElseThrow())
                                .collect(Collectors.toSet()));
                    });
        } catch (RuntimeException e) {
            failure.accept("chaos: group " + groupName + " not settled at " + desired + " within "
                    + GROUP_WAIT.toSeconds() + " s after " + after + ": instances " + group.instances() + ", servers "
                    + lb.backendService(groupService).servers());
            return;
        }
        checkProcesses(group, after);
    }

    /** The instance processes alive must be the group's instances' processes, one each. */
    private void checkProcesses(RunningAvailabilityGroup group, String after) {
        try {
            await("processes of " + groupName).atMost(Duration.ofSeconds(30)).pollInSameThread()
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        Set<String> ids = group.instances().stream().map(InstanceInfo::id).collect(Collectors.toSet());
                        List<String> running = processes().map(Chaos::instanceIdOf).sorted().toList();
                        maxProcesses = Math.max(maxProcesses, running.size());
                        return ids.equals(Set.copyOf(running)) && running.size() == ids.size();
                    });
        } catch (RuntimeException e) {
            failure.accept("chaos: after " + after + ", the instance processes alive are not those of the group's"
                    + " instances " + group.instances().stream().map(InstanceInfo::id).toList() + ": "
                    + processes().map(Chaos::describe).toList());
        }
    }

    /** This JVM's live descendants running {@link SoakInstanceMain}. */
    static Stream<ProcessHandle> processes() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(SoakInstanceMain.class.getName()))
                        .orElse(false))
                .sorted(Comparator.comparingLong(ProcessHandle::pid));
    }

    /** The instance id a {@link SoakInstanceMain} process was started for (its second argument). */
    static String instanceIdOf(ProcessHandle p) {
        String[] args = p.info().arguments().orElse(new String[0]);
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(SoakInstanceMain.class.getName()) && i + 2 < args.length) {
                return args[i + 2];
            }
        }
        return "?";
    }

    static String describe(ProcessHandle p) {
        return p.pid() + " " + instanceIdOf(p);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("chaos interrupted", e);
        }
    }
}
