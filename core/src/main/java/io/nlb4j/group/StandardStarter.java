package io.nlb4j.group;

import io.nlb4j.model.InProcessLauncher;
import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceHandle;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.ProcessLauncher;
import reactor.core.publisher.Mono;

/** The starter behind {@link InstanceStarter#standard()}. */
enum StandardStarter implements InstanceStarter {
    INSTANCE;

    @Override
    public Mono<InstanceHandle> start(InstanceLauncher launcher, InstanceContext context) {
        if (launcher instanceof InProcessLauncher in) {
            return BlockingLaunches.start(context.instanceId(), () -> in.factory().start(context));
        }
        ProcessLauncher process = (ProcessLauncher) launcher;
        return BlockingLaunches.start(context.instanceId(), () -> ProcessInstance.start(process, context));
    }
}
