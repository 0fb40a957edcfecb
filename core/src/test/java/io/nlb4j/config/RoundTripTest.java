package io.nlb4j.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.nlb4j.model.LoadBalancerSpec;
import io.nlb4j.model.Specs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RoundTripTest {

    @ParameterizedTest
    @EnumSource(ConfigFormat.class)
    void writeThenReadGivesAnEqualSpec(ConfigFormat format) {
        LoadBalancerSpec spec = Specs.full();
        String text = SpecFiles.write(spec, format);
        System.out.println(text);
        LoadBalancerSpec read = SpecFiles.read(text, format);
        assertThat(read).isEqualTo(spec);
        assertThat(SpecFiles.write(read, format)).isEqualTo(text);
    }
}
