package no.homemonitoring.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * A reused core validator must not keep what it validated: the core library's coding observer holds
 * every validated resource's element tree (about 165 KiB per Observation), which filled a 768 MiB
 * server heap while loading 4 000 Observations before it was emptied between validations.
 */
class ReusingInstanceValidatorMemoryTest {

  private static final int VALIDATIONS = 1_500;

  @Test
  void theSeenCodingsCanBeEmptiedWithThisVersionOfTheCoreLibrary() {
    assertThat(ReusingInstanceValidator.CoreValidator.canForgetCodings())
        .as("InstanceValidator.codingObserver / CodingsObserver.list moved: see CoreValidator")
        .isTrue();
  }

  @Test
  void coreValidatorsValidatingAtOnceShareOneOidRegistry() throws Exception {
    assertThat(ReusingInstanceValidator.CoreValidator.canShareOidRegistry())
        .as("InstanceValidator.oids moved: see CoreValidator")
        .isTrue();
    ProfileValidator validator = ProfileValidator.create();
    Observation weight = weight();
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  return validator.validate(weight, Profiles.BODY_WEIGHT);
                }));
      }
      for (Future<?> future : done) {
        future.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<Object> registries =
        ((ReusingInstanceValidator) validator.instanceValidator()).idleOidRegistries();
    assertThat(registries)
        .as("core validators made for the parallel validations")
        .hasSizeGreaterThan(1);
    assertThat(registries).allSatisfy(registry -> assertThat(registry).isSameAs(registries.get(0)));
  }

  @Test
  void validatingManyObservationsRetainsNothingPerObservation() {
    ProfileValidator validator = ProfileValidator.create();
    Observation weight = weight();
    validator.validate(weight, Profiles.BODY_WEIGHT);
    long before = retainedHeap();

    for (int i = 0; i < VALIDATIONS; i++) {
      validator.validate(weight, Profiles.BODY_WEIGHT);
    }

    long grownMiB = (retainedHeap() - before) / (1024 * 1024);
    // Retaining the element trees grows the heap by about 240 MiB here; caches settling, by a few.
    assertThat(grownMiB).as("heap growth over %d validations, MiB", VALIDATIONS).isLessThan(40);
  }

  private static Observation weight() {
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.addCategory(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category",
                "vital-signs",
                null)));
    observation.setCode(
        new CodeableConcept(new Coding("http://loinc.org", "29463-7", "Body weight"))
            .addCoding(new Coding("http://snomed.info/sct", "27113001", "Body weight")));
    observation.setSubject(new Reference("Patient/memory-test"));
    observation.setEffective(new DateTimeType(new Date()));
    observation.setValue(
        new Quantity()
            .setValue(82.4)
            .setUnit("kg")
            .setSystem("http://unitsofmeasure.org")
            .setCode("kg"));
    return observation;
  }

  private static long retainedHeap() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
