package no.homemonitoring.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import no.homemonitoring.profiles.Profiles;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * The black-box conformance suite: what a vendor or a municipality can check against any FHIR R4
 * base URL claiming to be a home-monitoring server of this project's kind. Every check talks HTTP
 * only. Writes use fixed, recognisable ids ({@code conformance-*}) and conditional creates, so the
 * suite can be run again and again against the same server.
 */
public final class ConformanceSuite {

  /** Result of one check. */
  public record Check(String group, String name, boolean passed, String detail) {}

  private static final String PHD = "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680";

  private final FhirContext context = FhirContext.forR4Cached();
  private final IGenericClient client;
  private final String baseUrl;
  private final Optional<VkpCompatibility> vkp;
  private final List<Check> checks = new ArrayList<>();
  private final List<Examples.Example> examples = Examples.all();

  private final String bearerToken;

  public ConformanceSuite(String baseUrl, Optional<VkpCompatibility> vkp) {
    this(baseUrl, vkp, null);
  }

  /** A suite that sends {@code bearerToken} (null: none) with every request. */
  public ConformanceSuite(String baseUrl, Optional<VkpCompatibility> vkp, String bearerToken) {
    context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    context.getRestfulClientFactory().setSocketTimeout(120_000);
    this.client = context.newRestfulGenericClient(baseUrl);
    this.bearerToken = bearerToken;
    if (bearerToken != null) {
      client.registerInterceptor(
          new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(bearerToken));
    }
    this.baseUrl = baseUrl;
    this.vkp = vkp;
  }

  /** Runs every check; a check that throws is a failed check, never an aborted suite. */
  public List<Check> run() {
    List<StructureDefinition> profiles =
        Profiles.structureDefinitions().stream()
            .filter(p -> !"Extension".equals(p.getType()))
            .toList();
    check(
        "CapabilityStatement",
        "declares every profile as supportedProfile",
        () -> declaresProfiles(profiles));
    check(
        "CapabilityStatement",
        "declares the search parameters nurses and specialists use",
        this::declaresSearchParameters);
    for (StructureDefinition profile : profiles) {
      check("Profiles served", profile.getUrl(), () -> served(profile));
    }
    check(
        "Fixtures",
        "supporting resources can be written (PUT with ids conformance-*)",
        this::fixtures);
    for (Examples.Example example : examples) {
      if (example.expectedValid()) {
        check("Round trip", example.name(), () -> roundTrip(example));
      } else {
        check("Rejected", example.name(), () -> rejected(example));
      }
    }
    for (Examples.Example example : examples) {
      if (example.profileId().startsWith("hm-observation") && !example.expectedValid()) {
        check("$validate", example.name(), () -> validateOperation(example));
        break;
      }
    }
    check(
        "PMD batch",
        "a batch of Observations is answered entry by entry, each with its fullUrl",
        this::pmdBatch);
    check(
        "PHD transaction",
        "conditional create of Device and Observation with urn:uuid references, twice",
        this::phdTransaction);
    if (vkp.isPresent()) {
      check(
          "VKP",
          "the server's stored Observations meet the VKP profiles (" + vkp.get().packageId() + ")",
          this::storedMeetVkp);
    } else {
      checks.add(
          new Check(
              "VKP",
              "stored Observations meet the VKP profiles",
              false,
              "VKP package not found. " + FhirPackages.howToProvide()));
    }
    return List.copyOf(checks);
  }

  private interface Body {
    String run() throws Exception;
  }

  private void check(String group, String name, Body body) {
    try {
      checks.add(new Check(group, name, true, body.run()));
    } catch (AssertionError | Exception e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      checks.add(new Check(group, name, false, message.replace('\n', ' ')));
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }

  private String declaresProfiles(List<StructureDefinition> profiles) {
    CapabilityStatement capability =
        client.capabilities().ofType(CapabilityStatement.class).execute();
    Set<String> declared =
        capability.getRestFirstRep().getResource().stream()
            .flatMap(r -> r.getSupportedProfile().stream())
            .map(p -> p.getValue().split("\\|")[0])
            .collect(Collectors.toSet());
    List<String> missing =
        profiles.stream()
            .map(StructureDefinition::getUrl)
            .filter(u -> !declared.contains(u))
            .toList();
    require(missing.isEmpty(), "not declared: " + missing);
    return profiles.size() + " profiles declared";
  }

  private String declaresSearchParameters() {
    CapabilityStatement capability =
        client.capabilities().ofType(CapabilityStatement.class).execute();
    List<String> missing = new ArrayList<>();
    String[][] expected = {
      {
        "Observation",
        "patient",
        "code",
        "date",
        "identifier",
        "component-value-quantity",
        "value-quantity"
      },
      {"Patient", "identifier"},
      {"CarePlan", "patient"},
      {"Consent", "patient"},
      {"Device", "identifier"}
    };
    for (String[] type : expected) {
      Set<String> names =
          capability.getRestFirstRep().getResource().stream()
              .filter(r -> r.getType().equals(type[0]))
              .flatMap(r -> r.getSearchParam().stream())
              .map(CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent::getName)
              .collect(Collectors.toSet());
      for (int i = 1; i < type.length; i++) {
        if (!names.contains(type[i])) {
          missing.add(type[0] + "?" + type[i]);
        }
      }
    }
    require(missing.isEmpty(), "not declared: " + missing);
    return "all declared";
  }

  private String served(StructureDefinition profile) {
    Bundle found =
        client
            .search()
            .byUrl("StructureDefinition?url=" + profile.getUrl())
            .returnBundle(Bundle.class)
            .execute();
    require(
        found.getEntry().size() == 1,
        found.getEntry().size() + " StructureDefinitions with this url");
    StructureDefinition served = (StructureDefinition) found.getEntryFirstRep().getResource();
    require(served.hasSnapshot(), "served without a snapshot");
    return "version "
        + served.getVersion()
        + ", "
        + served.getSnapshot().getElement().size()
        + " elements";
  }

  private String fixtures() {
    Practitioner nurse = new Practitioner();
    nurse.setId("conformance-nurse");
    nurse.addName().setFamily("Sykepleier").addGiven("Sara");
    CareTeam team = new CareTeam();
    team.setId("conformance-team");
    team.setStatus(CareTeam.CareTeamStatus.ACTIVE);
    team.setSubject(new Reference("Patient/conformance-patient"));
    Goal goal = new Goal();
    goal.setId("conformance-own-goal");
    goal.setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE);
    goal.getDescription().setText("Gå tur hver dag");
    goal.setSubject(new Reference("Patient/conformance-patient"));
    List<IBaseResource> fixtures = new ArrayList<>();
    fixtures.add(example("hm-patient", "valid-fodselsnummer.json"));
    fixtures.add(nurse);
    fixtures.add(example("hm-device", "valid-device.json"));
    fixtures.add(team);
    fixtures.add(goal);
    fixtures.add(example("hm-relatedperson", "valid-relatedperson.json"));
    for (IBaseResource fixture : fixtures) {
      client.update().resource(fixture).execute();
    }
    return fixtures.size() + " resources written";
  }

  private IBaseResource example(String profileId, String fileName) {
    return examples.stream()
        .filter(e -> e.profileId().equals(profileId) && e.fileName().equals(fileName))
        .findFirst()
        .map(e -> context.newJsonParser().parseResource(e.json()))
        .orElseThrow(() -> new IllegalStateException("no example " + profileId + "/" + fileName));
  }

  private String roundTrip(Examples.Example example) {
    Resource resource = (Resource) context.newJsonParser().parseResource(example.json());
    String type = resource.fhirType();
    String id;
    if (resource instanceof Observation observation) {
      // Conditional create on the idempotency identifier: a second run finds the first.
      observation.setId((String) null);
      Identifier key = observation.getIdentifierFirstRep();
      MethodOutcome outcome =
          client
              .create()
              .resource(observation)
              .conditionalByUrl("Observation?identifier=" + key.getSystem() + "|" + key.getValue())
              .execute();
      id = outcome.getId().getIdPart();
      Bundle found =
          client
              .search()
              .byUrl(
                  "Observation?patient=Patient/conformance-patient&code=http://loinc.org|"
                      + observation.getCode().getCodingFirstRep().getCode()
                      + "&_count=200")
              .returnBundle(Bundle.class)
              .execute();
      require(
          found.getEntry().stream()
              .anyMatch(e -> e.getResource().getIdElement().getIdPart().equals(id)),
          "created Observation/" + id + " is not found by patient and code");
    } else {
      client.update().resource(resource).execute();
      id = resource.getIdElement().getIdPart();
      Bundle found =
          client.search().byUrl(type + "?_id=" + id).returnBundle(Bundle.class).execute();
      require(
          found.getEntry().size() == 1, type + "?_id=" + id + " found " + found.getEntry().size());
    }
    Resource read = (Resource) client.read().resource(type).withId(id).execute();
    require(
        read.getMeta().getProfile().stream()
            .anyMatch(p -> p.getValue().equals(example.profileUrl())),
        type + "/" + id + " does not declare " + example.profileUrl() + " in meta.profile");
    return type + "/" + id + " stored, found, declares the profile";
  }

  private String rejected(Examples.Example example) {
    Resource resource = (Resource) context.newJsonParser().parseResource(example.json());
    resource.setId((String) null);
    try {
      MethodOutcome outcome = client.create().resource(resource).execute();
      throw new AssertionError(
          "accepted as " + outcome.getId().toUnqualifiedVersionless().getValue());
    } catch (BaseServerResponseException e) {
      require(
          e.getStatusCode() == 422 || e.getStatusCode() == 400,
          "status " + e.getStatusCode() + ", expected 422");
      String text = outcomeText(e.getOperationOutcome()) + " " + e.getMessage();
      require(
          text.contains(example.expectedRule()),
          "the answer does not name " + example.expectedRule() + ": " + text);
      return e.getStatusCode() + ", names " + example.expectedRule();
    }
  }

  private String validateOperation(Examples.Example invalid) throws Exception {
    Resource resource = (Resource) context.newJsonParser().parseResource(invalid.json());
    resource.setId((String) null); // type-level $validate: the example is not stored
    // The resource itself as the body (the Parameters form is not what vendors send).
    java.net.http.HttpRequest.Builder request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(baseUrl + "/" + resource.fhirType() + "/$validate"))
            .header("Content-Type", "application/fhir+json")
            .POST(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    context.newJsonParser().encodeResourceToString(resource)));
    if (bearerToken != null) {
      request.header("Authorization", "Bearer " + bearerToken);
    }
    java.net.http.HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    MethodOutcome outcome = new MethodOutcome();
    outcome.setOperationOutcome(
        (OperationOutcome) context.newJsonParser().parseResource(response.body()));
    String text = outcomeText(outcome.getOperationOutcome());
    require(
        text.contains(invalid.expectedRule()),
        "$validate does not name "
            + invalid.expectedRule()
            + ": "
            + (outcome.getOperationOutcome() == null
                ? "no OperationOutcome"
                : context.newJsonParser().encodeResourceToString(outcome.getOperationOutcome())));
    return "names " + invalid.expectedRule();
  }

  private static String outcomeText(IBaseOperationOutcome outcome) {
    if (!(outcome instanceof OperationOutcome oo)) {
      return "";
    }
    return oo.getIssue().stream()
        .filter(
            i ->
                i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                    || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
        .map(
            i ->
                String.join(",", i.getExpression().stream().map(Object::toString).toList())
                    + " "
                    + String.join(",", i.getLocation().stream().map(Object::toString).toList())
                    + " "
                    + i.getDiagnostics())
        .collect(Collectors.joining(" | "));
  }

  private Observation freshObservation(String exampleFile, String profileId) {
    Observation observation = (Observation) example(profileId, exampleFile);
    observation.setId((String) null);
    observation.getIdentifierFirstRep().setValue("urn:uuid:" + UUID.randomUUID());
    return observation;
  }

  private String pmdBatch() {
    Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    Observation good1 =
        freshObservation("valid-blood-pressure.json", "hm-observation-blood-pressure");
    Observation bad = freshObservation("valid-body-weight.json", "hm-observation-body-weight");
    bad.setDevice(null);
    Observation good2 = freshObservation("valid-heart-rate.json", "hm-observation-heart-rate");
    List<String> fullUrls = new ArrayList<>();
    for (Observation observation : List.of(good1, bad, good2)) {
      String fullUrl = "urn:uuid:" + UUID.randomUUID();
      fullUrls.add(fullUrl);
      batch
          .addEntry()
          .setFullUrl(fullUrl)
          .setResource(observation)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Observation");
    }
    Bundle response = client.transaction().withBundle(batch).execute();
    require(
        response.getType() == Bundle.BundleType.BATCHRESPONSE,
        "answered with " + response.getType());
    require(
        response.getEntry().size() == 3, response.getEntry().size() + " entries answered, 3 sent");
    List<String> statuses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Bundle.BundleEntryComponent entry = response.getEntry().get(i);
      require(
          fullUrls.get(i).equals(entry.getFullUrl()),
          "entry " + i + " has fullUrl " + entry.getFullUrl() + ", sent " + fullUrls.get(i));
      statuses.add(entry.getResponse().getStatus());
    }
    require(
        statuses.get(0).startsWith("201") && statuses.get(2).startsWith("201"),
        "valid entries answered " + statuses);
    require(
        statuses.get(1).startsWith("422") || statuses.get(1).startsWith("400"),
        "invalid entry answered " + statuses.get(1));
    for (Observation stored : List.of(good1, good2)) {
      Identifier key = stored.getIdentifierFirstRep();
      Bundle found =
          client
              .search()
              .byUrl("Observation?identifier=" + key.getSystem() + "|" + key.getValue())
              .returnBundle(Bundle.class)
              .execute();
      require(
          found.getEntry().size() == 1,
          "an acknowledged entry is stored " + found.getEntry().size() + " times");
    }
    return "statuses " + statuses + ", fullUrl on every entry, the two acknowledged stored once";
  }

  private String phdTransaction() {
    String systemId = "0A1B2C3D4E5F" + String.format("%04X", (int) (Math.random() * 0xFFFF));
    Observation observation =
        freshObservation("valid-blood-pressure.json", "hm-observation-blood-pressure");
    String first = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      Device device = (Device) example("hm-device", "valid-device.json");
      device.setId((String) null);
      device.getIdentifierFirstRep().setValue(systemId);
      String deviceUrn = "urn:uuid:" + UUID.randomUUID();
      Observation copy = observation.copy();
      copy.setDevice(new Reference(deviceUrn));
      Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      transaction
          .addEntry()
          .setFullUrl(deviceUrn)
          .setResource(device)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Device")
          .setIfNoneExist("identifier=" + PHD + "|" + systemId);
      Identifier key = copy.getIdentifierFirstRep();
      transaction
          .addEntry()
          .setFullUrl("urn:uuid:" + UUID.randomUUID())
          .setResource(copy)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Observation")
          .setIfNoneExist("identifier=" + key.getSystem() + "|" + key.getValue());
      Bundle response = client.transaction().withBundle(transaction).execute();
      require(
          response.getType() == Bundle.BundleType.TRANSACTIONRESPONSE,
          "answered with " + response.getType());
      String deviceLocation =
          new org.hl7.fhir.r4.model.IdType(response.getEntry().get(0).getResponse().getLocation())
              .toUnqualifiedVersionless()
              .getValue();
      String observationLocation =
          new org.hl7.fhir.r4.model.IdType(response.getEntry().get(1).getResponse().getLocation())
              .toUnqualifiedVersionless()
              .getValue();
      Observation stored =
          client.read().resource(Observation.class).withUrl(observationLocation).execute();
      require(
          deviceLocation.equals(stored.getDevice().getReference()),
          "Observation.device is "
              + stored.getDevice().getReference()
              + ", Device is "
              + deviceLocation);
      String both = deviceLocation + " + " + observationLocation;
      if (attempt == 1) {
        first = both;
      } else {
        require(both.equals(first), "the retransmission created " + both + ", first was " + first);
      }
    }
    return "both runs gave " + first;
  }

  private String storedMeetVkp() {
    Bundle found =
        client
            .search()
            .byUrl("Observation?patient=Patient/conformance-patient&_count=200")
            .returnBundle(Bundle.class)
            .execute();
    int checked = 0;
    List<String> failures = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : found.getEntry()) {
      if (VkpCompatibility.vkpProfileFor(entry.getResource()).isEmpty()) {
        continue;
      }
      checked++;
      List<SingleValidationMessage> errors = vkp.orElseThrow().errors(entry.getResource());
      if (!errors.isEmpty()) {
        failures.add(
            entry.getResource().getIdElement().toUnqualifiedVersionless().getValue()
                + ": "
                + errors.stream()
                    .map(m -> m.getLocationString() + " " + m.getMessage())
                    .collect(Collectors.joining("; ")));
      }
    }
    require(checked > 0, "no Observation of the conformance patient to check");
    require(failures.isEmpty(), String.join(" | ", failures));
    return checked + " Observations, 0 errors";
  }
}
