package io.nlb4j.balancer.internal.admin;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nlb4j.balancer.RunningLoadBalancer;
import io.nlb4j.balancer.metrics.LoadBalancerMetrics;

/**
 * The load balancer's meters in a Prometheus registry of the admin endpoint's own, scraped as text. Loaded only
 * when Micrometer's Prometheus registry is on the class path ({@link #available()}).
 */
final class PrometheusScrape implements AutoCloseable {

    /** The Prometheus text exposition format's content type. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String REGISTRY_CLASS = "io.micrometer.prometheusmetrics.PrometheusMeterRegistry";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LoadBalancerMetrics metrics;

    PrometheusScrape(RunningLoadBalancer lb) {
        metrics = new LoadBalancerMetrics(lb);
        metrics.bindTo(registry);
    }

    /** Whether Micrometer's Prometheus registry can be loaded here. */
    static boolean available() {
        try {
            Class.forName(REGISTRY_CLASS, false, PrometheusScrape.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        metrics.close();
        registry.close();
    }
}
