; Assembly listing for method EdgeConv.Kernels.Optimized.DepthwiseConvInt8Vector128:Row3x3(System.Span`1[sbyte],System.Span`1[int],System.Span`1[sbyte]):this (FullOpts)
; Emitting BLENDED_CODE for generic ARM64 on Unix
; FullOpts code
; optimized code
; fp based frame
; fully interruptible
; No PGO data
; 0 inlinees with PGO data; 34 single block inlinees; 16 inlinees without PGO data

G_M000_IG01:
            stp     fp, lr, [sp, #-0xD0]!
            stp     x19, x20, [sp, #0x80]
            stp     x21, x22, [sp, #0x90]
            stp     x23, x24, [sp, #0xA0]
            stp     x25, x26, [sp, #0xB0]
            stp     x27, x28, [sp, #0xC0]
            mov     fp, sp
            mov     x19, x0
            mov     x20, x3
            mov     w21, w4
 
G_M000_IG02:
            mov     x22, x1
            str     x22, [fp, #0x48]
            ldrsw   x23, [x20]
            ldrsw   x24, [x20, #0x04]
            ldrsw   x25, [x20, #0x08]
            ldrsw   x26, [x20, #0x0C]
            ldrsw   x27, [x20, #0x10]
            ldrsw   x28, [x20, #0x14]
            ldrsw   x6, [x20, #0x18]
            str     x6, [fp, #0x78]
            ldrsw   x7, [x20, #0x1C]
            str     x7, [fp, #0x70]
            ldrsw   x8, [x20, #0x20]
            str     x8, [fp, #0x68]
            ldr     x2, [x19, #0x08]
            ldrsb   wzr, [x2]
            add     x9, x2, #16
            str     x9, [fp, #0x40]
            ldr     x2, [x19, #0x10]
            ldrsb   wzr, [x2]
            add     x10, x2, #16
            str     x10, [fp, #0x38]
            ldr     x2, [x19, #0x18]
            ldrsb   wzr, [x2]
            add     x11, x2, #16
            stp     x5, x11, [fp, #0x28]
            ldr     w13, [x19, #0x30]
            str     w13, [fp, #0x64]
            ldr     w2, [x19, #0x5C]
            mul     w14, w2, w13
            str     w14, [fp, #0x60]
            ldr     w12, [x19, #0x88]
            str     w12, [fp, #0x5C]
            mov     w15, wzr
            cmp     w15, w12
            blt     G_M000_IG04
            b       G_M000_IG12
 
G_M000_IG03:
            ldr     x22, [fp, #0x48]
 
G_M000_IG04:
            mul     w2, w15, w14
            sxtw    x2, w2
            add     xip0, x2, x22
            str     xip0, [fp, #0x20]
            str     w15, [fp, #0x58]
            mul     w2, w15, w13
            sxtw    x2, w2
            add     x4, x2, x5
            str     x4, [fp, #0x18]
            mov     w1, wzr
            mov     x2, x10
            sub     w3, w13, #16
            cmp     w1, w3
            bgt     G_M000_IG06
            align   [0 bytes for IG05]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG05:
            sxtw    x0, w1
            lsl     x9, x0, #2
            add     x22, x11, x9
            ldp     q16, q17, [x22]
            ldp     q18, q19, [x22, #0x20]
            add     x22, xip0, x0
            ldr     q20, [x22, x23]
            ldr     q21, [x22, x24]
            ldp     q22, q23, [x2]
            smull2  v24.8h, v20.16b, v22.16b
            smlal2  v24.8h, v21.16b, v23.16b
            smull   v20.8h, v20.8b, v22.8b
            smlal   v20.8h, v21.8b, v23.8b
            saddw2  v17.4s, v17.4s, v20.8h
            saddw   v16.4s, v16.4s, v20.4h
            saddw2  v19.4s, v19.4s, v24.8h
            saddw   v18.4s, v18.4s, v24.4h
            ldr     q20, [x22, x25]
            ldr     q21, [x22, x26]
            ldp     q22, q23, [x2, #0x20]
            smull2  v24.8h, v20.16b, v22.16b
            smlal2  v24.8h, v21.16b, v23.16b
            smull   v20.8h, v20.8b, v22.8b
            smlal   v20.8h, v21.8b, v23.8b
            saddw2  v17.4s, v17.4s, v20.8h
            saddw   v16.4s, v16.4s, v20.4h
            saddw2  v19.4s, v19.4s, v24.8h
            saddw   v18.4s, v18.4s, v24.4h
            ldr     q20, [x22, x27]
            ldr     q21, [x22, x28]
            ldp     q22, q23, [x2, #0x40]
            smull2  v24.8h, v20.16b, v22.16b
            smlal2  v24.8h, v21.16b, v23.16b
            smull   v20.8h, v20.8b, v22.8b
            smlal   v20.8h, v21.8b, v23.8b
            saddw2  v17.4s, v17.4s, v20.8h
            saddw   v16.4s, v16.4s, v20.4h
            saddw2  v19.4s, v19.4s, v24.8h
            saddw   v18.4s, v18.4s, v24.4h
            ldr     q20, [x22, x6]
            ldr     q21, [x22, x7]
            ldp     q22, q23, [x2, #0x60]
            smull2  v24.8h, v20.16b, v22.16b
            smlal2  v24.8h, v21.16b, v23.16b
            smull   v20.8h, v20.8b, v22.8b
            smlal   v20.8h, v21.8b, v23.8b
            saddw2  v17.4s, v17.4s, v20.8h
            saddw   v16.4s, v16.4s, v20.4h
            saddw2  v19.4s, v19.4s, v24.8h
            saddw   v18.4s, v18.4s, v24.4h
            ldr     q20, [x22, x8]
            ldr     q21, [x2, #0x80]
            smull2  v22.8h, v20.16b, v21.16b
            smull   v20.8h, v20.8b, v21.8b
            saddw2  v17.4s, v17.4s, v20.8h
            saddw   v16.4s, v16.4s, v20.4h
            saddw2  v19.4s, v19.4s, v22.8h
            saddw   v18.4s, v18.4s, v22.4h
            ldr     x22, [x19, #0x20]
            ldr     x5, [x22, #0x10]
            mov     x10, x5
            ldrsb   wzr, [x10], #0x10
            ldr     q20, [x10, x9]
            ldr     x10, [x22, #0x18]
            mov     x14, x10
            ldrsb   wzr, [x14], #0x10
            ldr     q21, [x14, x9]
            ldr     x14, [x22, #0x20]
            mov     x12, x14
            ldrsb   wzr, [x12], #0x10
            ldr     q22, [x12, x9]
            neg     v22.4s, v22.4s
            mul     v16.4s, v16.4s, v21.4s
            sqrdmulh v16.4s, v16.4s, v20.4s
            and     v20.4s, v16.4s, v22.4s
            sshr    v20.4s, v20.4s, #31
            sqadd   v16.4s, v16.4s, v20.4s
            srshl   v16.4s, v16.4s, v22.4s
            ldr     w9, [x22, #0x38]
            dup     v20.4s, w9
            add     v16.4s, v16.4s, v20.4s
            add     w9, w1, #4
            sxtw    x9, w9
            mov     x12, x5
            ldrsb   wzr, [x12], #0x10
            lsl     x9, x9, #2
            ldr     q21, [x12, x9]
            mov     x12, x10
            ldrsb   wzr, [x12], #0x10
            ldr     q22, [x12, x9]
            mov     x12, x14
            ldrsb   wzr, [x12], #0x10
            ldr     q23, [x12, x9]
            neg     v23.4s, v23.4s
            mul     v17.4s, v17.4s, v22.4s
            sqrdmulh v17.4s, v17.4s, v21.4s
            and     v21.4s, v17.4s, v23.4s
            sshr    v21.4s, v21.4s, #31
            sqadd   v17.4s, v17.4s, v21.4s
            srshl   v17.4s, v17.4s, v23.4s
            add     v17.4s, v17.4s, v20.4s
            sqxtn   v16.4h, v16.4s
            sqxtn2  v16.8h, v17.4s
            add     w9, w1, #8
            sxtw    x9, w9
            mov     x12, x5
            ldrsb   wzr, [x12], #0x10
            lsl     x9, x9, #2
            ldr     q17, [x12, x9]
            mov     x12, x10
            ldrsb   wzr, [x12], #0x10
            ldr     q21, [x12, x9]
            mov     x12, x14
            ldrsb   wzr, [x12], #0x10
            ldr     q22, [x12, x9]
            neg     v22.4s, v22.4s
            mul     v18.4s, v18.4s, v21.4s
            sqrdmulh v17.4s, v18.4s, v17.4s
            and     v18.4s, v17.4s, v22.4s
            sshr    v18.4s, v18.4s, #31
            sqadd   v17.4s, v17.4s, v18.4s
            srshl   v17.4s, v17.4s, v22.4s
            add     v17.4s, v17.4s, v20.4s
            add     w9, w1, #12
            sxtw    x9, w9
            ldrsb   wzr, [x5], #0x10
            lsl     x9, x9, #2
            ldr     q18, [x5, x9]
            ldrsb   wzr, [x10]
            add     x5, x10, #16
            ldr     q21, [x5, x9]
            ldrsb   wzr, [x14]
            add     x5, x14, #16
            ldr     q22, [x5, x9]
            neg     v22.4s, v22.4s
            mul     v19.4s, v19.4s, v21.4s
            sqrdmulh v18.4s, v19.4s, v18.4s
            and     v19.4s, v18.4s, v22.4s
            sshr    v19.4s, v19.4s, #31
            sqadd   v18.4s, v18.4s, v19.4s
            srshl   v18.4s, v18.4s, v22.4s
            add     v20.4s, v18.4s, v20.4s
            sqxtn   v17.4h, v17.4s
            sqxtn2  v17.8h, v20.4s
            sqxtn   v16.8b, v16.8h
            sqxtn2  v16.16b, v17.8h
            ldrsb   w5, [x22, #0x3C]
            dup     v17.16b, w5
            smax    v16.16b, v16.16b, v17.16b
            ldrsb   w5, [x22, #0x3D]
            dup     v17.16b, w5
            smin    v16.16b, v16.16b, v17.16b
            str     q16, [x4, x0]
            add     x2, x2, #144
            add     w1, w1, #16
            cmp     w1, w3
            ble     G_M000_IG05
 
G_M000_IG06:
            sub     w0, w13, #8
            cmp     w1, w0
            bgt     G_M000_IG08
 
G_M000_IG07:
            sxtw    x0, w1
            lsl     x9, x0, #2
            ldr     q16, [x11, x9]
            add     x3, x9, #16
            ldr     q17, [x11, x3]
            add     x3, xip0, x0
            ldr     d18, [x3, x23]
            ldp     d19, d20, [x2]
            smull   v18.8h, v18.8b, v19.8b
            ldr     d19, [x3, x24]
            smlal   v18.8h, v19.8b, v20.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            ldr     d18, [x3, x25]
            ldp     d19, d20, [x2, #0x10]
            smull   v18.8h, v18.8b, v19.8b
            ldr     d19, [x3, x26]
            smlal   v18.8h, v19.8b, v20.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            ldr     d18, [x3, x27]
            ldp     d19, d20, [x2, #0x20]
            smull   v18.8h, v18.8b, v19.8b
            ldr     d19, [x3, x28]
            smlal   v18.8h, v19.8b, v20.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            ldr     d18, [x3, x6]
            ldp     d19, d20, [x2, #0x30]
            smull   v18.8h, v18.8b, v19.8b
            ldr     d19, [x3, x7]
            smlal   v18.8h, v19.8b, v20.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            ldr     d18, [x3, x8]
            ldr     d19, [x2, #0x40]
            smull   v18.8h, v18.8b, v19.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            ldr     x2, [x19, #0x20]
            ldr     x5, [x2, #0x10]
            mov     x3, x5
            ldrsb   wzr, [x3], #0x10
            ldr     q18, [x3, x9]
            ldr     x10, [x2, #0x18]
            mov     x3, x10
            ldrsb   wzr, [x3], #0x10
            ldr     q19, [x3, x9]
            ldr     x14, [x2, #0x20]
            mov     x3, x14
            ldrsb   wzr, [x3], #0x10
            ldr     q20, [x3, x9]
            neg     v20.4s, v20.4s
            mul     v16.4s, v16.4s, v19.4s
            sqrdmulh v16.4s, v16.4s, v18.4s
            and     v18.4s, v16.4s, v20.4s
            sshr    v18.4s, v18.4s, #31
            sqadd   v16.4s, v16.4s, v18.4s
            srshl   v16.4s, v16.4s, v20.4s
            ldr     w3, [x2, #0x38]
            dup     v20.4s, w3
            add     v16.4s, v16.4s, v20.4s
            add     w3, w1, #4
            sxtw    x3, w3
            ldrsb   wzr, [x5], #0x10
            lsl     x9, x3, #2
            ldr     q18, [x5, x9]
            mov     x3, x10
            ldrsb   wzr, [x3], #0x10
            ldr     q19, [x3, x9]
            mov     x3, x14
            ldrsb   wzr, [x3], #0x10
            ldr     q21, [x3, x9]
            neg     v21.4s, v21.4s
            mul     v17.4s, v17.4s, v19.4s
            sqrdmulh v17.4s, v17.4s, v18.4s
            and     v18.4s, v17.4s, v21.4s
            sshr    v18.4s, v18.4s, #31
            sqadd   v17.4s, v17.4s, v18.4s
            srshl   v17.4s, v17.4s, v21.4s
            add     v17.4s, v17.4s, v20.4s
            sqxtn   v16.4h, v16.4s
            sqxtn2  v16.8h, v17.4s
            sqxtn   v17.8b, v16.8h
            sqxtn2  v17.16b, v16.8h
            ldrsb   w3, [x2, #0x3C]
            dup     v16.16b, w3
            smax    v16.16b, v17.16b, v16.16b
            ldrsb   w2, [x2, #0x3D]
            dup     v17.16b, w2
            smin    v16.16b, v16.16b, v17.16b
            umov    x2, v16.d[0]
            str     x2, [x4, x0]
            add     w1, w1, #8
            ldr     x4, [fp, #0x18]
            ldp     x7, x6, [fp, #0x70]
            ldr     x8, [fp, #0x68]
            ldr     x11, [fp, #0x30]
 
G_M000_IG08:
            str     w1, [fp, #0x54]
            cmp     w1, w13
            blt     G_M000_IG10
 
G_M000_IG09:
            ldr     w13, [fp, #0x64]
            b       G_M000_IG11
 
G_M000_IG10:
            mov     x2, x20
            mov     w3, w21
            mov     x0, x19
            mov     x1, xip0
            ldr     w4, [fp, #0x54]
            movz    x5, #0xD1FFAB1E
            movk    x5, #0xD1FFAB1E LSL #16
            movk    x5, #85 LSL #32
            ldr     x5, [x5]
            blr     x5
            ldr     x22, [fp, #0x18]
            ldr     w4, [fp, #0x54]
            strb    w0, [x22, w4, SXTW #2]
            add     w4, w4, #1
            ldr     w13, [fp, #0x64]
            cmp     w4, w13
            str     w4, [fp, #0x54]
            ldr     xip0, [fp, #0x20]
            blt     G_M000_IG10
 
G_M000_IG11:
            ldr     w22, [fp, #0x58]
            add     w22, w22, #1
            ldr     w12, [fp, #0x5C]
            cmp     w22, w12
            mov     w15, w22
            ldr     x5, [fp, #0x28]
            ldp     x7, x6, [fp, #0x70]
            ldr     x8, [fp, #0x68]
            ldp     x11, x10, [fp, #0x30]
            ldr     w14, [fp, #0x60]
            blt     G_M000_IG03
 
G_M000_IG12:
            ldp     x27, x28, [sp, #0xC0]
            ldp     x25, x26, [sp, #0xB0]
            ldp     x23, x24, [sp, #0xA0]
            ldp     x21, x22, [sp, #0x90]
            ldp     x19, x20, [sp, #0x80]
            ldp     fp, lr, [sp], #0xD0
            ret     lr
 
; Total bytes of code 1468
