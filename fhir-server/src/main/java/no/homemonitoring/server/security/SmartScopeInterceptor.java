package no.homemonitoring.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The token's SMART scopes bound what the role rules allow: an interaction on a resource type needs
 * a scope with that type (or {@code *}) and the interaction's letter ({@code c r u d s}), in the
 * contexts of the caller's kind ({@code system/} for systems, {@code user/} and {@code patient/}
 * for people). Checked on the request, on every resource written (transaction entries too) and on
 * every resource returned (included ones too, which are left out when not in scope).
 */
@Interceptor
public class SmartScopeInterceptor {

  private static final Set<String> NEUTRAL =
      Set.of("OperationOutcome", "Bundle", "CapabilityStatement", "Parameters");

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void request(RequestDetails request, RestOperationTypeEnum operation) {
    Optional<Caller> caller = Caller.current();
    String type = request.getResourceName();
    if (caller.isEmpty() || type == null || operation == RestOperationTypeEnum.METADATA) {
      return;
    }
    char letter =
        switch (operation) {
          case READ, VREAD, HISTORY_INSTANCE, HISTORY_TYPE -> 'r';
          case SEARCH_TYPE -> 's';
          case CREATE -> 'c';
          case UPDATE, PATCH, META_ADD, META_DELETE -> 'u';
          case DELETE -> 'd';
          default -> 0;
        };
    if (letter != 0) {
      require(caller.get(), type, letter);
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void create(IBaseResource resource, RequestDetails request) {
    Caller.current().ifPresent(caller -> require(caller, resource.fhirType(), 'c'));
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void update(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
    Caller.current().ifPresent(caller -> require(caller, newResource.fhirType(), 'u'));
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
  public void delete(IBaseResource resource, RequestDetails request) {
    Caller.current().ifPresent(caller -> require(caller, resource.fhirType(), 'd'));
  }

  @Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
  public void show(IPreResourceShowDetails details, RequestDetails request) {
    Optional<Caller> caller = Caller.current();
    if (caller.isEmpty()) {
      return;
    }
    for (int i = 0; i < details.size(); i++) {
      IBaseResource resource = details.getResource(i);
      if (resource == null || NEUTRAL.contains(resource.fhirType())) {
        continue;
      }
      List<String> contexts = contexts(caller.get());
      SmartScopes scopes = caller.get().scopes();
      if (!scopes.permits(resource.fhirType(), 'r', contexts)
          && !scopes.permits(resource.fhirType(), 's', contexts)) {
        details.setResource(i, null);
      }
    }
  }

  private static void require(Caller caller, String type, char letter) {
    if (NEUTRAL.contains(type)) {
      return;
    }
    if (!caller.scopes().permits(type, letter, contexts(caller))) {
      throw new ForbiddenOperationException(
          "The access token's scopes do not allow this interaction ('"
              + letter
              + "') on "
              + type
              + ".");
    }
  }

  static List<String> contexts(Caller caller) {
    return switch (caller.role()) {
      case SYSTEM, VENDOR -> List.of("system");
      case ADMIN -> List.of("user", "system");
      default -> List.of("user", "patient");
    };
  }
}
