package io.nlb4j.group;

import io.nlb4j.model.InProcessLauncher;
import io.nlb4j.model.InstanceContext;
import io.nlb4j.model.InstanceHandle;
import io.nlb4j.model.InstanceLauncher;
import io.nlb4j.model.ProcessLauncher;
import reactor.core.publisher.Mono;

/**
 * The starter behind {@link InstanceStarter#standard()}: launches run on worker threads
 * ({@link BlockingLaunches}) and stop promptly when the group aborts them ({@link LaunchAbort}).
 */
enum StandardStarter implements InstanceStarter {
    INSTANCE;

    @Override
    public Mono<InstanceHandle> start(InstanceLauncher launcher, InstanceContext context) {
        if (launcher instanceof InProcessLauncher in) {
            return BlockingLaunches.start(context.instanceId(), abort -> in.factory().start(context));
        }
        ProcessLauncher process = (ProcessLauncher) launcher;
        return BlockingLaunches.start(context.instanceId(), abort -> ProcessInstance.start(process, context, abort));
    }
}
