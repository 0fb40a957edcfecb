/**
 * The control plane's threading and time: {@link io.nlb4j.control.ControlContext}, the one serial context in
 * which a load balancer's (and its availability groups') state changes, with its clock; and
 * {@link io.nlb4j.control.EventStream}, the hot, never-blocking event streams they publish.
 *
 * <p>All types are non-null unless documented otherwise.
 */
package io.nlb4j.control;
