// The Angular adapter under TestBed, in a real browser, against the real package: the node side
// (angular.test.mjs) calls these steps and moves the page's clock between them. zone.js is loaded
// for the zone-based cases; the zoneless case does without it.
import "zone.js";
import "@angular/compiler";
import { Component, ErrorHandler, NgZone, PLATFORM_ID, inject, provideZoneChangeDetection, provideZonelessChangeDetection } from "@angular/core";
import { TestBed } from "@angular/core/testing";
import { BrowserTestingModule, platformBrowserTesting } from "@angular/platform-browser/testing";
import { InactivityTimeout, provideInactivityTimeout } from "inactivity-timeout/angular";
import { calls, holdLabels, options, work } from "../../adapters/test/fixtures.js";

TestBed.initTestEnvironment(BrowserTestingModule, platformBrowserTesting());

/** What the application's ErrorHandler was given. */
const handled = [];
class Collect extends ErrorHandler {
  handleError(error) {
    handled.push(`${error.name}: ${error.message}`);
  }
}

let service = null;
/** Whether the app's callbacks ran inside Angular's zone. */
const inZone = {};
const zoneAware = {
  ...options,
  onWarning: () => (inZone.onWarning = NgZone.isInAngularZone()),
  onActivity: () => (inZone.onActivity = NgZone.isInAngularZone()),
};
let fixture = null;
/** How often Angular's zone became busy (each time, change detection follows). */
let unstable = 0;

const Shows = Component({
  selector: "app-shows",
  template: "@if (timeout.warning()) {<p>{{ timeout.remainingMs() }} ms left</p>} @else {<p>no warning</p>}",
})(
  class {
    timeout = inject(InactivityTimeout);
  },
);

window.steps = {
  /** The service as an application's root injector makes it (inside the zone, for zone-based). */
  start({ zoneless = false, platform = "browser", opts = zoneAware } = {}) {
    TestBed.resetTestingModule();
    handled.length = 0;
    unstable = 0;
    TestBed.configureTestingModule({
      providers: [
        zoneless ? provideZonelessChangeDetection() : provideZoneChangeDetection(),
        { provide: PLATFORM_ID, useValue: platform },
        { provide: ErrorHandler, useClass: Collect },
        provideInactivityTimeout(opts),
      ],
    });
    const zone = TestBed.inject(NgZone);
    zone.onUnstable.subscribe(() => unstable++);
    service = zone.run(() => TestBed.inject(InactivityTimeout));
    if (zoneless) {
      fixture = TestBed.createComponent(Shows);
      fixture.autoDetectChanges();
    }
  },
  destroy() {
    TestBed.resetTestingModule();
  },
  /** Requests made outside Angular's zone (as a library or a timer of its own would). */
  work: (n) => Zone.root.run(() => work(n)),
  unstable: () => unstable,
  inZone: () => ({ ...inZone }),
  state: () => ({ warning: service.warning(), remainingMs: service.remainingMs(), explained: service.explain() !== null }),
  shown: () => fixture.nativeElement.textContent,
  /** The milliseconds the component shows, `null` without a warning. */
  shownMs: () => Number(fixture.nativeElement.textContent.match(/(\d+) ms left/)?.[1] ?? NaN) || null,
  hold(label) {
    window.held = service.hold(label);
  },
  release: () => window.held.release(),
  holds: () => holdLabels(service.explain()),
  calls: () => ({ ...calls }),
  handled: () => [...handled],
  provideNothing() {
    try {
      provideInactivityTimeout(null);
      return null;
    } catch (e) {
      return `${e.name}: ${e.message}`;
    }
  },
};
window.ready = true;
