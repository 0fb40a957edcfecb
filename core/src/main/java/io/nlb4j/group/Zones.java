package io.nlb4j.group;

import java.util.List;

/** Where the next instance goes and which one leaves first: instances spread evenly over the zones. */
final class Zones {

    private final List<String> zones;

    Zones(List<String> zones) {
        this.zones = List.copyOf(zones);
    }

    private int[] activeByZone(List<Instance> instances) {
        int[] counts = new int[zones.size()];
        for (Instance m : instances) {
            if (m.isActive()) {
                int z = zones.indexOf(m.zone);
                if (z >= 0) {
                    counts[z]++;
                }
            }
        }
        return counts;
    }

    /** The zone with the fewest active instances; ties go to the zone listed first. */
    String forLaunch(List<Instance> instances) {
        int[] counts = activeByZone(instances);
        int best = 0;
        for (int z = 1; z < counts.length; z++) {
            if (counts[z] < counts[best]) {
                best = z;
            }
        }
        return zones.get(best);
    }

    /** The oldest active instance of the zones with the most active instances. */
    Instance scaleInVictim(List<Instance> instances) {
        int[] counts = activeByZone(instances);
        int most = 0;
        for (int count : counts) {
            most = Math.max(most, count);
        }
        for (Instance m : instances) { // launch order: oldest first
            if (m.isActive()) {
                int z = zones.indexOf(m.zone);
                if (z < 0 || counts[z] == most) {
                    return m;
                }
            }
        }
        throw new IllegalStateException("no active instance to scale in");
    }

    List<String> names() {
        return zones;
    }
}
