package no.homemonitoring.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcessMemoryTest {

  private static final String PROC_STATUS =
      """
      Name:\tjava
      VmPeak:\t 5023456 kB
      VmSize:\t 4987000 kB
      VmHWM:\t  786432 kB
      VmRSS:\t  716800 kB
      RssAnon:\t  650000 kB
      Threads:\t42
      """;

  @Test
  void readsCurrentAndPeakResidentSetInMebibytes() {
    ProcessMemory memory = ProcessMemory.parse(PROC_STATUS);

    assertThat(memory.residentMebibytes()).isEqualTo(700.0);
    assertThat(memory.peakResidentMebibytes()).isEqualTo(768.0);
  }

  @Test
  void aStatusWithoutResidentSetIsAnError() {
    assertThatThrownBy(() -> ProcessMemory.parse("Name:\tjava\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VmRSS");
  }
}
