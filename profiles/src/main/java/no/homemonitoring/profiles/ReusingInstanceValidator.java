package no.homemonitoring.profiles;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.validation.IValidationContext;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.elementmodel.Manager;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerOld;
import org.hl7.fhir.utilities.i18n.I18nConstants;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.codesystem.CodingsObserver;
import org.hl7.fhir.validation.instance.InstanceValidator;

/**
 * HAPI's instance validator, with core validators kept for reuse instead of one built per resource.
 *
 * <p>HAPI builds a new {@link InstanceValidator} for every validation. Its constructor reads the
 * OID registry from the classpath, starts a fresh FHIRPath engine and indexes every known
 * StructureDefinition: on this project's blood-pressure Observation that was about three quarters
 * of the validation time (22–28 ms per resource with HAPI's module, 4–7 ms here, in-process). The
 * core validator clears its per-resource state at the start of each validation; what it keeps
 * across validations is cleared here before each use (see {@link CoreValidator}), and a validator
 * is retired after {@link #VALIDATIONS_PER_INSTANCE} resources so that nothing else it may
 * accumulate can grow without bound. {@code ReusingInstanceValidatorTest} checks that every example
 * gets the same messages as from stock HAPI, in any order and from 8 threads at once.
 *
 * <p>Settings are the ones HAPI applies ({@code ValidatorWrapper} in hapi-fhir-validation 8.8),
 * taken from this module's getters.
 */
public class ReusingInstanceValidator extends FhirInstanceValidator {

  /** How many resources one core validator checks before it is replaced. */
  static final int VALIDATIONS_PER_INSTANCE = 10_000;

  /**
   * Idle core validators. Each holds about 11 MiB (its OID registry, FHIRPath engine and caches),
   * so there are at most {@link #poolSize} of them rather than one per request thread (a server's
   * can number in the hundreds). A validation that finds none idle builds one while fewer than that
   * exist, and otherwise waits for one: more validations at once than that would not finish sooner
   * on a small machine, and building a validator per resource under load (what HAPI does) costs
   * more CPU than the validation itself.
   */
  private final BlockingQueue<Held> idle;

  private final int poolSize;

  /** Core validators in existence that belong to the pool (idle or in use). */
  private final AtomicInteger pooled = new AtomicInteger();

  /** How long a validation waits for an idle core validator before it builds a spare one. */
  private static final long WAIT_SECONDS = 10;

  /**
   * Profiles by URL, as converted for the worker context they came from; replaced with the worker
   * context (HAPI builds a new one when its caches are invalidated).
   */
  private volatile ProfileCache profileCache = new ProfileCache(null);

  private record ProfileCache(IWorkerContext worker, Map<String, StructureDefinition> byUrl) {
    ProfileCache(IWorkerContext worker) {
      this(worker, new ConcurrentHashMap<>());
    }
  }

  public ReusingInstanceValidator(IValidationSupport validationSupport) {
    this(validationSupport, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
  }

  public ReusingInstanceValidator(IValidationSupport validationSupport, int poolSize) {
    super(validationSupport);
    this.poolSize = poolSize;
    this.idle = new ArrayBlockingQueue<>(poolSize);
  }

  @Override
  protected List<ValidationMessage> validate(IValidationContext<?> validationContext) {
    IWorkerContext worker = provideWorkerContext();
    Held held = borrow(worker);
    List<ValidationMessage> messages;
    try {
      messages = validate(validationContext, worker, held.validator);
    } catch (RuntimeException | Error e) {
      // It may have stopped half-way: not reused.
      retire(held);
      throw e;
    }
    if (++held.uses < usesPerInstance() && held.pooled) {
      idle.offer(held);
    } else {
      retire(held);
    }
    return messages;
  }

  private List<ValidationMessage> validate(
      IValidationContext<?> validationContext, IWorkerContext worker, CoreValidator validator) {
    List<ValidationMessage> messages = new ArrayList<>();

    List<StructureDefinition> profiles = new ArrayList<>();
    List<ValidationMessage> unknownProfiles = new ArrayList<>();
    for (String url : profileUrls(validationContext)) {
      StructureDefinition profile = cachedProfile(worker, url);
      if (profile != null) {
        if (!profiles.contains(profile)) {
          profiles.add(profile);
        }
      } else {
        ValidationMessage unknown = new ValidationMessage();
        unknown.setMessageId(I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN);
        unknown.setLevel(ValidationMessage.IssueSeverity.ERROR);
        unknown.setMessage("Invalid profile. Failed to retrieve profile with url=" + url);
        unknownProfiles.add(unknown);
      }
    }

    EncodingEnum encoding = validationContext.getResourceAsStringEncoding();
    Manager.FhirFormat format =
        switch (encoding) {
          case JSON -> Manager.FhirFormat.JSON;
          case XML -> Manager.FhirFormat.XML;
          default -> throw new IllegalArgumentException("Cannot validate " + encoding);
        };
    byte[] input = validationContext.getResourceAsString().getBytes(StandardCharsets.UTF_8);
    validator.beforeValidation();
    validator.validate(
        validationContext.getOptions().getAppContext(),
        messages,
        new ByteArrayInputStream(input),
        format,
        profiles);

    if (profiles.isEmpty()) {
      messages.addAll(unknownProfiles);
    }
    messages.removeIf(ReusingInstanceValidator::isSuppressed);
    if (isErrorForUnknownProfiles()) {
      for (ValidationMessage message : messages) {
        if (isUnknownProfile(message)
            && message.getLevel() == ValidationMessage.IssueSeverity.WARNING) {
          message.setLevel(ValidationMessage.IssueSeverity.ERROR);
        }
      }
    }
    return messages;
  }

  /**
   * The profiles named in the options, then those the resource declares in {@code meta.profile}.
   * HAPI reads the latter from the text again; the parsed resource gives the same list.
   */
  private static Set<String> profileUrls(IValidationContext<?> validationContext) {
    Set<String> urls = new LinkedHashSet<>(validationContext.getOptions().getProfiles());
    Object resource;
    try {
      resource = validationContext.getResource();
    } catch (RuntimeException unparseable) {
      // The core validator parses the text itself and reports what is wrong with it.
      return urls;
    }
    if (resource instanceof IBaseResource parsed) {
      for (IPrimitiveType<String> profile : parsed.getMeta().getProfile()) {
        if (profile.getValue() != null) {
          urls.add(profile.getValue());
        }
      }
    }
    return urls;
  }

  private StructureDefinition cachedProfile(IWorkerContext worker, String url) {
    ProfileCache cache = profileCache;
    if (cache.worker() != worker) {
      cache = new ProfileCache(worker);
      profileCache = cache;
    }
    StructureDefinition profile = cache.byUrl().get(url);
    if (profile == null) {
      profile = fetchProfile(worker, url);
      if (profile != null) {
        cache.byUrl().put(url, profile);
      }
    }
    return profile;
  }

  private static StructureDefinition fetchProfile(IWorkerContext worker, String url) {
    try {
      return worker.fetchResource(StructureDefinition.class, url);
    } catch (FHIRException unusable) {
      return null;
    }
  }

  private static boolean isSuppressed(ValidationMessage message) {
    String id = message.getMessageId();
    return id != null
        && (id.equals(I18nConstants.TERMINOLOGY_TX_BINDING_NOSOURCE)
            || (id.equals(I18nConstants.TERMINOLOGY_TX_VALUESET_NOTFOUND)
                && message.getMessage().contains("http://hl7.org/fhir/ValueSet/mimetypes")));
  }

  private static boolean isUnknownProfile(ValidationMessage message) {
    String id = message.getMessageId();
    return I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN.equals(id)
        || I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN_NOT_POLICY.equals(id);
  }

  /** The OID registries of the idle core validators; for tests. */
  List<Object> idleOidRegistries() throws IllegalAccessException {
    List<Object> registries = new ArrayList<>();
    for (Held held : idle) {
      registries.add(held.validator.oidRegistry());
    }
    return registries;
  }

  private static int usesPerInstance() {
    return CoreValidator.canForgetCodings()
        ? VALIDATIONS_PER_INSTANCE
        : CoreValidator.USES_WITHOUT_RESET;
  }

  private Held borrow(IWorkerContext worker) {
    Held held = idle.poll();
    while (true) {
      if (held != null && held.worker == worker) {
        return held;
      }
      if (held != null) {
        // Built on a worker context that has since been replaced (caches invalidated).
        retire(held);
      }
      if (pooled.incrementAndGet() <= poolSize) {
        try {
          return new Held(worker, newCoreValidator(worker), true);
        } catch (RuntimeException e) {
          pooled.decrementAndGet();
          throw e;
        }
      }
      pooled.decrementAndGet();
      try {
        held = idle.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        held = null;
      }
      if (held == null) {
        // Not expected (a validation takes milliseconds); a spare rather than a stuck request.
        return new Held(worker, newCoreValidator(worker), false);
      }
    }
  }

  private void retire(Held held) {
    if (held.pooled) {
      pooled.decrementAndGet();
    }
  }

  private CoreValidator newCoreValidator(IWorkerContext worker) {
    CoreValidator validator =
        new CoreValidator(
            worker,
            Objects.requireNonNullElseGet(getHostApplicationServices(), NullEvaluationContext::new),
            new XVerExtensionManagerOld(worker),
            new ValidatorSession(),
            new ValidatorSettings());
    validator.setAssumeValidRestReferences(isAssumeValidRestReferences());
    validator.setBestPracticeWarningLevel(getBestPracticeWarningLevel());
    validator.setAnyExtensionsAllowed(isAnyExtensionsAllowed());
    validator.setResourceIdRule(IdStatus.OPTIONAL);
    validator.setNoTerminologyChecks(isNoTerminologyChecks());
    validator.setErrorForUnknownProfiles(isErrorForUnknownProfiles());
    // HAPI keeps this fixed (it interacts with its unknown-code-system support).
    validator.setUnknownCodeSystemsCauseErrors(true);
    validator.getExtensionDomains().addAll(getExtensionDomains());
    validator.setFetcher(getValidatorResourceFetcher());
    validator.setPolicyAdvisor(getValidatorPolicyAdvisor());
    validator.setNoExtensibleWarnings(isNoExtensibleWarnings());
    validator.setNoBindingMsgSuppressed(isNoBindingMsgSuppressed());
    validator.setAllowExamples(isAllowExamples());
    validator.setAllowXsiLocation(true);
    validator.shareOidRegistry();
    return validator;
  }

  private static final class Held {
    final IWorkerContext worker;
    final CoreValidator validator;
    final boolean pooled;
    int uses;

    Held(IWorkerContext worker, CoreValidator validator, boolean pooled) {
      this.worker = worker;
      this.validator = validator;
      this.pooled = pooled;
    }
  }

  /**
   * The core validator, with the state it keeps across validations made resettable: the status
   * warnings already given, and the codings it has seen. The latter list (kept for an optional IPS
   * check at the end of a validation, off here) holds every validated resource's element tree,
   * about 165 KiB per Observation, so a validator that is reused must empty it. The list is private
   * to the core library and reached by reflection; {@code ReusingInstanceValidatorMemoryTest} fails
   * if an upgrade moves it, and until then such a validator is retired after {@link
   * #USES_WITHOUT_RESET} validations instead.
   */
  static final class CoreValidator extends InstanceValidator {

    /** Validations a core validator may do when its seen codings cannot be emptied. */
    static final int USES_WITHOUT_RESET = 20;

    private static final Field CODING_OBSERVER = field(InstanceValidator.class, "codingObserver");
    private static final Field SEEN_CODINGS = field(CodingsObserver.class, "list");
    private static final Field OIDS = field(InstanceValidator.class, "oids");

    /**
     * The OID registry the first core validator read. Every core validator reads its own copy of
     * the same table (about 6.5 MiB) and only looks things up in it afterwards, so one is kept and
     * the others' copies are dropped.
     */
    private static volatile Object sharedOids;

    CoreValidator(
        IWorkerContext context,
        org.hl7.fhir.r5.fhirpath.IHostApplicationServices hostServices,
        org.hl7.fhir.r5.utils.xver.XVerExtensionManager xverManager,
        ValidatorSession session,
        ValidatorSettings settings) {
      super(context, hostServices, xverManager, session, settings);
    }

    static boolean canShareOidRegistry() {
      return OIDS != null;
    }

    /** Replaces this validator's own OID registry by the shared one (see {@link #sharedOids}). */
    void shareOidRegistry() {
      if (OIDS == null) {
        return;
      }
      try {
        Object shared = sharedOids;
        if (shared == null) {
          sharedOids = OIDS.get(this);
        } else {
          OIDS.set(this, shared);
        }
      } catch (IllegalAccessException e) {
        // Not expected once setAccessible succeeded; this validator keeps its own copy.
      }
    }

    /** The OID registry this validator uses; for tests. */
    Object oidRegistry() throws IllegalAccessException {
      return OIDS.get(this);
    }

    static boolean canForgetCodings() {
      return CODING_OBSERVER != null && SEEN_CODINGS != null;
    }

    /** Forgets what the last validation left behind; to be called before each validation. */
    void beforeValidation() {
      statusWarnings.clear();
      if (!canForgetCodings()) {
        return;
      }
      try {
        Object observer = CODING_OBSERVER.get(this);
        if (observer != null && SEEN_CODINGS.get(observer) instanceof List<?> seen) {
          seen.clear();
        }
      } catch (IllegalAccessException e) {
        // Not expected once setAccessible succeeded; the use limit still bounds the growth.
      }
    }

    private static Field field(Class<?> type, String name) {
      try {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
      } catch (NoSuchFieldException | RuntimeException e) {
        return null;
      }
    }
  }
}
