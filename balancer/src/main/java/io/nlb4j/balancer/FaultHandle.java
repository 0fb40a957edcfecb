package io.nlb4j.balancer;

/** A fault in place on a running load balancer; {@link #remove()} takes it away. */
public interface FaultHandle {

    /**
     * Returns where the fault acts.
     *
     * @return the target
     */
    FaultTarget target();

    /**
     * Returns the fault.
     *
     * @return the fault
     */
    Fault fault();

    /**
     * Removes the fault: the connections it was acting on flow cleanly from now on, and new ones are not touched.
     * Removing it again does nothing.
     */
    void remove();
}
