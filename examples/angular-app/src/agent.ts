// The agent screen: routes, the warning dialog (a countdown from the service's signals), "On a call".
import { Component, effect, inject, input, signal } from "@angular/core";
import { RouterLink, RouterOutlet, type Routes } from "@angular/router";
import { HttpClient } from "@angular/common/http";
import { InactivityTimeout } from "inactivity-timeout/angular";
import { signIn } from "./signin";

@Component({ selector: "app-queues", template: `<h2>Queues</h2>` })
class Queues {}

@Component({ selector: "app-queue", template: `<h2 id="queue">Queue {{ id() }}</h2>` })
class Queue {
  readonly id = input.required<string>();
}

export const routes: Routes = [
  { path: "", component: Queues },
  { path: "queues/:id", component: Queue },
];

@Component({
  selector: "app-agent",
  imports: [RouterLink, RouterOutlet],
  template: `
    <h1>Angular example</h1>
    <nav>
      <a routerLink="/">Queues</a> ·
      <a routerLink="/queues/support" [queryParams]="{ tab: 'members' }">Support queue</a>
    </nav>
    <p>
      <button type="button" (click)="work()">Do some work (an API call)</button>
      <button type="button" (click)="why()">Why this timeout?</button>
      <label><input type="checkbox" [checked]="onCall()" (change)="onCall.set(!onCall())"> On a call</label>
    </p>
    <p id="activity" role="status">@if (onCall()) {Held: on a call. }{{ status() }}</p>
    <router-outlet />
    @if (timeout.warning()) {
      <div role="alertdialog" aria-labelledby="warning-text">
        <p id="warning-text">You will be signed out in {{ seconds() }} s.</p>
        <button type="button" (click)="timeout.staySignedIn()">Stay signed in</button>
      </div>
    }
  `,
})
export class Agent {
  protected readonly timeout = inject(InactivityTimeout);
  protected readonly onCall = signal(false);
  protected readonly status = signal("");
  private readonly http = inject(HttpClient);

  constructor() {
    // For the end-to-end tests: the tracker runs from here on.
    effect(() => {
      document.body.dataset["tracking"] = String(this.timeout.started());
    });
    // "On a call" holds the session (no warning, no idle logout) until it is unchecked.
    effect((onCleanup) => {
      if (!this.onCall()) return;
      const call = this.timeout.hold("On a call");
      onCleanup(() => call.release());
    });
  }

  protected seconds(): number {
    return Math.ceil((this.timeout.remainingMs() ?? 0) / 1000);
  }

  /** An API call through HttpClient: the tracker sees it (XHR or fetch) with nothing to set up. */
  protected work(): void {
    this.http
      .get("/api/v2/routing/queues", { headers: { authorization: `Bearer ${signIn.token.get()}` }, observe: "response" })
      .subscribe({
        next: (res) => this.status.set(`GET routing/queues: ${res.status}`),
        error: (e) => this.status.set(`GET routing/queues: ${e.status}`),
      });
  }

  protected why(): void {
    this.status.set(this.timeout.explain()?.message ?? "Starting…");
  }
}
