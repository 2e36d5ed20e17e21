package no.homemonitoring.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import no.homemonitoring.server.demo.DemoPopulation;
import no.homemonitoring.server.demo.SyntheticNationalId;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The development issuer's endpoints: {@code POST /dev-issuer/token?role=nurse} gives a token for a
 * role (defaults fit the demo population), {@code GET /dev-issuer/jwks} its public key. Only
 * present when the development issuer is enabled.
 */
@RestController
@ConditionalOnProperty(name = "homemonitoring.security.dev-issuer.enabled", havingValue = "true")
@RequestMapping("/dev-issuer")
public class DevIssuerController {

  private static final String FNR = "urn:oid:2.16.578.1.12.4.1.4.1";

  private final DevIssuer issuer;
  private final DaoRegistry daoRegistry;

  public DevIssuerController(DevIssuer issuer, DaoRegistry daoRegistry) {
    this.issuer = issuer;
    this.daoRegistry = daoRegistry;
  }

  @GetMapping("/jwks")
  public Map<String, Object> jwks() {
    return issuer.jwks();
  }

  @PostMapping("/token")
  public ResponseEntity<Map<String, Object>> token(
      @RequestParam String role,
      @RequestParam(required = false) String patient,
      @RequestParam(name = "related-person", required = false) String relatedPerson,
      @RequestParam(required = false) String hpr,
      @RequestParam(required = false) String orgnr,
      @RequestParam(required = false) String scope,
      @RequestParam(name = "security-level", defaultValue = "4") int securityLevel) {
    Role parsed;
    try {
      parsed = Role.valueOf(role.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return error(
          "role must be one of nurse, specialist, vendor, relative, patient, admin, system");
    }
    Map<String, Object> claims = new LinkedHashMap<>();
    String subject;
    String defaultScope;
    switch (parsed) {
      case NURSE, SPECIALIST -> {
        boolean nurse = parsed == Role.NURSE;
        claims.put("client_id", nurse ? "dev-home-care-ehr" : "dev-hospital-ehr");
        claims.put(
            Caller.HPR_NUMBER,
            hpr != null ? hpr : nurse ? DemoPopulation.NURSE_HPR : DemoPopulation.SPECIALIST_HPR);
        claims.put(
            Caller.ORGNR_PARENT,
            orgnr != null
                ? orgnr
                : nurse ? DemoPopulation.MUNICIPALITY_ORGNR : DemoPopulation.HOSPITAL_ORGNR);
        claims.put(
            Caller.PID,
            SyntheticNationalId.forBirthDate(
                nurse ? LocalDate.of(1978, 11, 13) : LocalDate.of(1979, 5, 2), 410));
        subject = "dev-" + parsed.name().toLowerCase(Locale.ROOT);
        defaultScope =
            nurse
                ? "openid user/*.cruds"
                : "openid user/*.rs user/Observation.cu user/DocumentReference.cu";
      }
      case RELATIVE, PATIENT -> {
        String type = parsed == Role.RELATIVE ? "RelatedPerson" : "Patient";
        String id =
            parsed == Role.RELATIVE
                ? (relatedPerson != null ? relatedPerson : "demo-patient-01-relative")
                : (patient != null ? patient : "demo-patient-01");
        String pid = nationalIdOf(type, id);
        if (pid == null) {
          return error(type + "/" + id + " does not exist or has no fødselsnummer");
        }
        claims.put("client_id", DevIssuer.CITIZEN_CLIENT);
        claims.put(Caller.FHIR_USER, type + "/" + id);
        claims.put(Caller.PID, pid);
        subject = "dev-" + type.toLowerCase(Locale.ROOT) + "-" + id;
        defaultScope =
            parsed == Role.RELATIVE
                ? "openid patient/*.rs"
                : "openid patient/*.rs patient/Consent.cu";
      }
      case VENDOR -> {
        claims.put("client_id", "dev-vendor");
        subject = "dev-vendor";
        defaultScope = "system/Observation.c";
      }
      case ADMIN -> {
        claims.put("client_id", "dev-admin-console");
        claims.put(Caller.PID, SyntheticNationalId.forBirthDate(LocalDate.of(1980, 4, 21), 420));
        subject = "dev-admin";
        defaultScope = "openid user/*.cruds";
      }
      default -> {
        claims.put("client_id", "dev-integration");
        subject = "dev-integration";
        defaultScope = "system/*.cruds";
      }
    }
    if (parsed != Role.VENDOR && parsed != Role.SYSTEM) {
      claims.put(Caller.SECURITY_LEVEL, Integer.toString(securityLevel));
    }
    String scopes = scope != null ? scope : defaultScope;
    claims.put("scope", scopes);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", issuer.mint(subject, claims));
    body.put("token_type", "Bearer");
    body.put("expires_in", issuer.lifetime().toSeconds());
    body.put("scope", scopes);
    return ResponseEntity.ok(body);
  }

  private String nationalIdOf(String type, String id) {
    IBaseResource resource;
    try {
      resource =
          daoRegistry.getResourceDao(type).read(new IdType(type, id), new SystemRequestDetails());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return null;
    }
    java.util.List<Identifier> identifiers =
        resource instanceof Patient p
            ? p.getIdentifier()
            : resource instanceof RelatedPerson r ? r.getIdentifier() : java.util.List.of();
    return identifiers.stream()
        .filter(identifier -> FNR.equals(identifier.getSystem()))
        .map(Identifier::getValue)
        .findFirst()
        .orElse(null);
  }

  private static ResponseEntity<Map<String, Object>> error(String description) {
    return ResponseEntity.status(HttpStatus.BAD_REQUEST)
        .body(Map.of("error", "invalid_request", "error_description", description));
  }
}
