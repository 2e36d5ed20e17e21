package no.homemonitoring.server.terminology;

import ca.uhn.fhir.jpa.model.util.UcumServiceUtil;
import java.lang.reflect.Field;
import org.fhir.ucum.UcumEssenceService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives HAPI's normalised quantity indexing the terminology module's UCUM service, whose canonical
 * forms are cached.
 *
 * <p>HAPI computes a UCUM canonical form for every quantity it indexes (about a millisecond of the
 * library's decimal arithmetic each: several per blood pressure reading) through a static service
 * in {@link UcumServiceUtil} that it creates itself and offers no way to replace. Home readings
 * repeat a few hundred values, so a cache removes nearly all of that work. If a HAPI upgrade
 * renames the field, indexing stays correct but uncached, and the test of this class fails.
 */
public final class HapiUcum {

  private static final Logger log = LoggerFactory.getLogger(HapiUcum.class);
  private static final String FIELD = "myUcumEssenceService";

  private HapiUcum() {}

  /** Installs the service; returns whether HAPI now uses it. */
  public static boolean install(UcumEssenceService service) {
    try {
      Field field = UcumServiceUtil.class.getDeclaredField(FIELD);
      field.setAccessible(true);
      field.set(null, service);
      return field.get(null) == service;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn(
          "HAPI's UCUM service could not be replaced ({}); quantity normalisation runs uncached",
          e.toString());
      return false;
    }
  }
}
