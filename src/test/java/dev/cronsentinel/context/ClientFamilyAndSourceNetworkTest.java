package dev.cronsentinel.context;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** User-agent families and source networks: the values the profile compares. */
class ClientFamilyAndSourceNetworkTest {
    @Test
    void userAgentFamiliesDropVersionsAndPlatforms() {
        assertThat(ClientFamily.of("kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46")).isEqualTo("kubectl");
        assertThat(ClientFamily.of("kubectl/v1.29.0 (darwin/arm64) kubernetes/abc")).isEqualTo("kubectl");
        assertThat(ClientFamily.of("python-requests/2.31.0")).isEqualTo("python-requests");
        assertThat(ClientFamily.of("Go-http-client/2.0")).isEqualTo("go-http-client");
        assertThat(ClientFamily.of("curl/8.5.0")).isEqualTo("curl");
        assertThat(ClientFamily.of("argocd-application-controller/v2.12.3 (linux/amd64)")).isEqualTo("argocd-application-controller");
        assertThat(ClientFamily.of("Mozilla/5.0 (X11; Linux x86_64)")).isEqualTo("mozilla");
        assertThat(ClientFamily.of("  helm ")).isEqualTo("helm");
        assertThat(ClientFamily.of(null)).isEqualTo(ClientFamily.NONE);
        assertThat(ClientFamily.of("")).isEqualTo(ClientFamily.NONE);
        assertThat(ClientFamily.of("/weird")).isEqualTo(ClientFamily.NONE);
        assertThat(ClientFamily.of("x".repeat(500))).hasSize(64);
    }

    @Test
    void ipv4AddressesBelongToTheirSlash24() {
        assertThat(SourceNetwork.of("198.51.100.23")).isEqualTo("198.51.100.0/24");
        assertThat(SourceNetwork.of("198.51.100.250")).isEqualTo("198.51.100.0/24");
        assertThat(SourceNetwork.of("10.42.3.17")).isEqualTo("10.42.3.0/24");
        assertThat(SourceNetwork.of("0.0.0.0")).isEqualTo("0.0.0.0/24");
        assertThat(SourceNetwork.of("::ffff:192.0.2.9")).isEqualTo("192.0.2.0/24");
        assertThat(SourceNetwork.of("::FFFF:c000:0209")).isEqualTo("192.0.2.0/24");
    }

    @Test
    void ipv6AddressesBelongToTheirSlash64() {
        assertThat(SourceNetwork.of("2001:db8:0:1::17")).isEqualTo("2001:db8:0:1::/64");
        assertThat(SourceNetwork.of("2001:0db8:0000:0001:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:0:1::/64");
        assertThat(SourceNetwork.of("2001:db8::1")).isEqualTo("2001:db8::/64");
        assertThat(SourceNetwork.of("[2001:db8:1:2::5]")).isEqualTo("2001:db8:1:2::/64");
        assertThat(SourceNetwork.of("fe80::1%eth0")).isEqualTo("fe80::/64");
        assertThat(SourceNetwork.of("::1")).isEqualTo("::/64");
        assertThat(SourceNetwork.of("64:ff9b::192.0.2.33")).isEqualTo("64:ff9b::/64");
    }

    @Test
    void anythingElseIsNoNetworkAndNeverResolved() {
        for (String bad : new String[] {null, "", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4",
                "01234.1.1.1", "1::2::3", "2001:db8:0:1:2:3:4:5:6", "12345::", "g::1", "1.2.3.4:8080", ":"}) {
            assertThat(SourceNetwork.of(bad)).as(String.valueOf(bad)).isNull();
        }
    }
}
