package io.nlb4j.samples;

import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceFactory;
import io.nlb4j.model.InstanceHandle;

/**
 * Starts an {@link EchoServer} per availability-group instance. Named by class in YAML specifications:
 * {@code launcher: {inProcess: io.nlb4j.samples.EchoServerFactory}}.
 */
public final class EchoServerFactory implements InstanceFactory {

    /** Creates the factory. */
    public EchoServerFactory() {
    }

    @Override
    public InstanceHandle start(InstanceContext context) throws InterruptedException {
        return EchoServer.start(context.host(), context.port(), context.instanceId());
    }
}
